import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/index.ts';
import { isMissiveError, MissiveError } from '../../core/errors.ts';
import { appendAudit, type CommunicationRecord, type Database, getCommunication } from '../../store/index.ts';
import { actorOf, type Principal } from '../auth/principal.ts';

/** Who asks, from where, through what: what every audit row of a document view says. */
export interface ViewContext {
  principal: Principal;
  ip: string;
  /** e.g. `api.document`, `ui.viewer`. */
  via: string;
}

/**
 * Per-object authorization (RELIABILITY S7, OWASP API1): a communication is reached only through
 * the customer it belongs to. A communication of another customer is refused with 403 and the
 * refusal is audited like any view; an unknown one is a 404, audited too.
 */
export async function authorizeCommunication(
  db: Kysely<Database>,
  customerId: string,
  communicationId: string,
  ctx: ViewContext,
  action: string,
): Promise<CommunicationRecord> {
  const communication = await getCommunication(db, communicationId);
  if (!communication || communication.customerId !== customerId) {
    const outcome = communication ? 'denied' : 'not-found';
    await audit(db, ctx, action, communicationId, { outcome, customerId });
    if (!communication) {
      throw new MissiveError(
        'MSV_STORE_NOT_FOUND',
        `customer ${customerId} has no communication ${communicationId}`,
        {
          customerId,
        },
      );
    }
    throw new MissiveError(
      'MSV_AUTH_FORBIDDEN',
      `communication ${communicationId} does not belong to customer ${customerId}`,
      { customerId },
    );
  }
  return communication;
}

/**
 * The archived bytes of a customer's communication, verified against their sha256 by the blob
 * store. Every attempt is audited — allowed, denied, missing or tampered — and a tampered blob is
 * never returned: MSV_ARCHIVE_TAMPERED (409) instead.
 */
export async function readCommunicationDocument(
  db: Kysely<Database>,
  blobs: BlobStore,
  customerId: string,
  communicationId: string,
  ctx: ViewContext,
): Promise<{ communication: CommunicationRecord; bytes: Uint8Array }> {
  const communication = await authorizeCommunication(db, customerId, communicationId, ctx, 'document.view');
  const sha256 = communication.artifactSha256;
  if (!sha256) {
    await audit(db, ctx, 'document.view', communicationId, { outcome: 'no-document', customerId });
    throw new MissiveError(
      'MSV_ARCHIVE_NOT_FOUND',
      `communication ${communicationId} has no document (${communication.status})`,
      { customerId },
    );
  }
  try {
    const bytes = await blobs.get(sha256);
    await audit(db, ctx, 'document.view', communicationId, { outcome: 'allowed', customerId, sha256 });
    return { communication, bytes };
  } catch (err) {
    const outcome = isMissiveError(err) && err.code === 'MSV_ARCHIVE_TAMPERED' ? 'tampered' : 'unreadable';
    await audit(db, ctx, 'document.view', communicationId, { outcome, customerId, sha256 });
    throw err;
  }
}

async function audit(
  db: Kysely<Database>,
  ctx: ViewContext,
  action: string,
  communicationId: string,
  details: Record<string, string>,
): Promise<void> {
  await appendAudit(db, {
    actor: actorOf(ctx.principal),
    action,
    targetType: 'communication',
    targetId: communicationId,
    details: { ...details, ip: ctx.ip, via: ctx.via, role: ctx.principal.role },
  });
}
