import type { Kysely } from 'kysely';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import { verifyPortalLink } from '../feedback/index.ts';
import { appendAudit, type Database, portalLinksClosedAt } from '../store/index.ts';
import { customerDocument, type PortalDocument } from './documents.ts';

/** Why a link was refused, for the audit row only: the customer sees one answer for all of them. */
type Refusal = 'invalid' | 'not-received' | 'closed';

/**
 * A signed document link from a statement or bill e-mail (feedback/portal-link.ts), checked: a
 * genuine unexpired MAC, a communication that is a document its customer received, and not issued
 * before the customer last signed out (signing out closes the links sent before). Every refusal is
 * MSV_PORTAL_LINK_INVALID whatever failed (no oracle for ids or customers); every attempt is an
 * `audit_log` row (`portal.link_opened` / `portal.link_refused`, ids only).
 */
export async function openDocumentLink(
  deps: { db: Kysely<Database>; linkKey: Uint8Array; now: () => Date },
  token: string,
  ip: string,
): Promise<{ customerId: string; document: PortalDocument }> {
  const now = deps.now();
  let claims: { customerId: string; communicationId: string; issuedAt: number };
  try {
    claims = verifyPortalLink(deps.linkKey, token, now.getTime());
  } catch (err) {
    if (!isMissiveError(err) || err.code !== 'MSV_PORTAL_LINK_INVALID') throw err;
    await audit(deps.db, '-', '-', 'portal.link_refused', { ip, reason: 'invalid' });
    throw err;
  }
  const { customerId, communicationId } = claims;
  const refuse = async (reason: Refusal) => {
    await audit(deps.db, customerId, communicationId, 'portal.link_refused', { ip, reason });
    return new MissiveError('MSV_PORTAL_LINK_INVALID', 'this document link cannot be opened');
  };
  const document = await customerDocument(deps.db, customerId, communicationId);
  if (!document) throw await refuse('not-received');
  const closedAt = await portalLinksClosedAt(deps.db, customerId);
  if (closedAt !== undefined && claims.issuedAt * 1000 <= Date.parse(closedAt)) throw await refuse('closed');
  await audit(deps.db, customerId, communicationId, 'portal.link_opened', { ip });
  return { customerId, document };
}

async function audit(
  db: Kysely<Database>,
  customerId: string,
  communicationId: string,
  action: string,
  details: Record<string, string>,
): Promise<void> {
  await appendAudit(db, {
    actor: customerId === '-' ? 'anonymous' : `customer:${customerId}`,
    action,
    targetType: 'communication',
    targetId: communicationId,
    details: customerId === '-' ? details : { ...details, customerId },
  });
}
