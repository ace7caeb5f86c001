import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { nowIso } from './json.ts';
import type { Database } from './schema.ts';

/** Short tracked links: code → (communication, purpose, target, offer, expiry). */

export interface TrackedLinkRecord {
  code: string;
  communicationId: string;
  purpose: 'click' | 'open';
  /** Absolute http(s) URL for clicks; empty for the open pixel. */
  target: string;
  offerId: string | null;
  expiresAt: string;
}

/**
 * Adds a communication's links; a link already stored for the same communication, purpose and target
 * (a retried chunk) is left as it is. A code held by another link — two HMACs agreeing on all ten
 * base62 characters (59.5 bits): about one chance in 10^10 per link with a hundred million stored
 * — is refused with
 * MSV_FEEDBACK_LINK_COLLISION rather than sending one customer's click to another's communication.
 */
export async function insertTrackedLinks(
  db: Kysely<Database>,
  links: readonly TrackedLinkRecord[],
): Promise<void> {
  if (links.length === 0) return;
  const createdAt = nowIso();
  const inserted = await db
    .insertInto('tracked_links')
    .values(
      links.map((l) => ({
        code: l.code,
        communication_id: l.communicationId,
        purpose: l.purpose,
        target: l.target,
        offer_id: l.offerId,
        expires_at: l.expiresAt,
        created_at: createdAt,
      })),
    )
    .onConflict((oc) => oc.column('code').doNothing())
    .returning('code')
    .execute();
  if (inserted.length === links.length) return;
  const fresh = new Set(inserted.map((r) => r.code));
  const existing = await db
    .selectFrom('tracked_links')
    .select(['code', 'communication_id', 'purpose', 'target'])
    .where(
      'code',
      'in',
      links.filter((l) => !fresh.has(l.code)).map((l) => l.code),
    )
    .execute();
  const byCode = new Map(existing.map((r) => [r.code, r]));
  for (const link of links) {
    if (fresh.has(link.code)) continue;
    const row = byCode.get(link.code);
    if (
      !row ||
      row.communication_id !== link.communicationId ||
      row.purpose !== link.purpose ||
      row.target !== link.target
    ) {
      throw new MissiveError(
        'MSV_FEEDBACK_LINK_COLLISION',
        `tracked link code ${link.code} is already another link's`,
        { communicationId: link.communicationId },
      );
    }
  }
}

/** Removes the links of documents that are removed (retention, erasure): their links stop resolving. */
export async function deleteTrackedLinks(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<number> {
  if (communicationIds.length === 0) return 0;
  const result = await db
    .deleteFrom('tracked_links')
    .where('communication_id', 'in', communicationIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The tracked link with this short code, or undefined (an unknown code leads nowhere). */
export async function getTrackedLink(
  db: Kysely<Database>,
  code: string,
): Promise<TrackedLinkRecord | undefined> {
  const row = await db.selectFrom('tracked_links').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** A communication's tracked links, by code. */
export async function listTrackedLinks(
  db: Kysely<Database>,
  communicationId: string,
): Promise<TrackedLinkRecord[]> {
  const rows = await db
    .selectFrom('tracked_links')
    .selectAll()
    .where('communication_id', '=', communicationId)
    .orderBy('code')
    .execute();
  return rows.map(toRecord);
}

function toRecord(row: {
  code: string;
  communication_id: string;
  purpose: 'click' | 'open';
  target: string;
  offer_id: string | null;
  expires_at: string;
}): TrackedLinkRecord {
  return {
    code: row.code,
    communicationId: row.communication_id,
    purpose: row.purpose,
    target: row.target,
    offerId: row.offer_id,
    expiresAt: row.expires_at,
  };
}
