import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/index.ts';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import { DEFAULT_SUCCESS_RULES, recordFeedbackEvent, type SuccessRules } from '../feedback/index.ts';
import { appendAudit, type Database, findReceivedDocument, pageReceivedDocuments } from '../store/index.ts';

/**
 * "My documents": what Missive sent the signed-in customer, on any channel, newest first — a keyset
 * page over (created_at, id) that the index (customer_id, created_at, id) answers alone (migration
 * 0014), so a page costs the same at a million ledger rows as at ten. A document is one the customer
 * received: print handed to the print house (`archived`), an e-mail or SMS `sent`; with bytes.
 * Every read of the bytes is verified against the sha256 by the blob store and audited; a tampered
 * document is refused, never shown.
 */
export interface PortalDocument {
  id: string;
  channel: ChannelKind;
  type: string;
  /** The run's as-of date (YYYY-MM-DD): the period the document is about. */
  asOf: string;
  createdAt: string;
  pages: number | null;
  sha256: string;
}

export interface DocumentPage {
  documents: PortalDocument[];
  /** Cursor of the next (older) page, if any. */
  next: string | undefined;
}

export const PAGE_SIZE = 20;

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

/** A cursor this module made, or undefined (a bad one reads as "from the newest"). */
export function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (!cursor || cursor.length > 200) return undefined;
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !id || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(createdAt)) return undefined;
  return { createdAt, id };
}

/** A page of the documents a customer received, newest first, with a cursor for the next page. */
export async function listCustomerDocuments(
  db: Kysely<Database>,
  customerId: string,
  options: { after?: string; limit?: number } = {},
): Promise<DocumentPage> {
  const limit = options.limit ?? PAGE_SIZE;
  const after = decodeCursor(options.after);
  const rows = await pageReceivedDocuments(db, customerId, { before: after, limit: limit + 1 });
  const documents = rows.slice(0, limit).map((r) => ({
    id: r.id,
    channel: r.channel as ChannelKind,
    type: r.communication_type,
    asOf: r.as_of,
    createdAt: r.created_at,
    pages: r.pages === null ? null : Number(r.pages),
    sha256: r.artifact_sha256!,
  }));
  const last = documents.at(-1);
  return { documents, next: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
}

/** Who reads, from where, through which route: what every audit row of a portal read says. */
export interface PortalReader {
  customerId: string;
  ip: string;
  via: string;
}

/**
 * One of the customer's documents with its verified bytes. Another customer's document and a missing
 * one are the same 404 (no oracle for ids), each attempt audited — allowed, denied, missing, tampered.
 */
export async function readCustomerDocument(
  db: Kysely<Database>,
  blobs: BlobStore,
  reader: PortalReader,
  communicationId: string,
): Promise<{ document: PortalDocument; bytes: Uint8Array }> {
  const found = await findReceived(db, communicationId);
  if (!found || found.customerId !== reader.customerId) {
    await audit(db, reader, communicationId, found ? 'denied' : 'not-found');
    throw new MissiveError('MSV_STORE_NOT_FOUND', 'no such document', { customerId: reader.customerId });
  }
  const { document } = found;
  try {
    const bytes = await blobs.get(document.sha256);
    await audit(db, reader, communicationId, 'allowed', document.sha256);
    return { document, bytes };
  } catch (err) {
    const outcome = isMissiveError(err) && err.code === 'MSV_ARCHIVE_TAMPERED' ? 'tampered' : 'unreadable';
    await audit(db, reader, communicationId, outcome, document.sha256);
    throw err;
  }
}

/** The document's facts (no bytes) when it is this customer's; what a page says about a tampered one. */
export async function customerDocument(
  db: Kysely<Database>,
  customerId: string,
  communicationId: string,
): Promise<PortalDocument | undefined> {
  const found = await findReceived(db, communicationId);
  return found?.customerId === customerId ? found.document : undefined;
}

async function findReceived(
  db: Kysely<Database>,
  communicationId: string,
): Promise<{ customerId: string; document: PortalDocument } | undefined> {
  const row = await findReceivedDocument(db, communicationId);
  if (!row) return undefined;
  return {
    customerId: row.customer_id,
    document: {
      id: row.id,
      channel: row.channel as ChannelKind,
      type: row.communication_type,
      asOf: row.as_of,
      createdAt: row.created_at,
      pages: row.pages === null ? null : Number(row.pages),
      sha256: row.artifact_sha256!,
    },
  };
}

async function audit(
  db: Kysely<Database>,
  reader: PortalReader,
  communicationId: string,
  outcome: string,
  sha256?: string,
): Promise<void> {
  await appendAudit(db, {
    actor: `customer:${reader.customerId}`,
    action: 'document.view',
    targetType: 'communication',
    targetId: communicationId,
    details: {
      outcome,
      customerId: reader.customerId,
      ip: reader.ip,
      via: reader.via,
      ...(sha256 ? { sha256 } : {}),
    },
  });
}

/**
 * The customer opened a document: a `viewed` event (source `portal`), which the call-center
 * timeline shows. Every view is one event (its own id); views are not successes of any offer.
 */
export async function recordDocumentView(
  db: Kysely<Database>,
  input: {
    customerId: string;
    document: Pick<PortalDocument, 'id' | 'channel' | 'type'>;
    at: Date;
    /** `link`: opened from the signed link in the document's e-mail, without a sign-in code. */
    via?: 'link';
  },
  rules: SuccessRules = DEFAULT_SUCCESS_RULES,
): Promise<void> {
  await recordFeedbackEvent(
    db,
    {
      source: 'portal',
      sourceId: `view:${randomUUID()}`,
      type: 'viewed',
      customerId: input.customerId,
      communicationId: input.document.id,
      payload: {
        channel: input.document.channel,
        type: input.document.type,
        ...(input.via ? { via: input.via } : {}),
      },
      occurredAt: input.at.toISOString(),
    },
    rules,
  );
}
