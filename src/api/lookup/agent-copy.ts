import type { Kysely } from 'kysely';
import {
  type CopyDeps,
  type CopyRequest,
  type CopyResult,
  copyCommunication,
} from '../../on-demand/heavy.ts';
import type { Database } from '../../store/index.ts';
import { actorOf } from '../auth/principal.ts';
import { maskPans } from '../mask.ts';
import { authorizeCommunication, type ViewContext } from './document-access.ts';

/**
 * An agent's copy of one of the customer's communications — the exact archived document resent by
 * e-mail or queued for print again (src/on-demand/agent-copies.ts). The communication is reached
 * through its customer first (audited as `communication.<kind>.check`); card numbers typed into the
 * reason are masked before anything stores it; `copyDeps` is asked for after that check. The same for the API and the UI.
 */
export async function agentCopy(
  db: Kysely<Database>,
  copyDeps: () => CopyDeps,
  ctx: ViewContext,
  request: CopyRequest,
): Promise<CopyResult> {
  const { kind, customerId, communicationId } = request;
  await authorizeCommunication(db, customerId, communicationId, ctx, `communication.${kind}.check`);
  return copyCommunication(copyDeps(), actorOf(ctx.principal), {
    kind,
    customerId,
    communicationId,
    reason: maskPans(request.reason),
    clientId: request.clientId,
    ...(request.to ? { to: request.to } : {}),
  });
}
