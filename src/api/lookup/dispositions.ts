import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import type { Decision } from '../../rules/index.ts';
import { appendEvent, type Database, getDecision } from '../../store/index.ts';
import { actorOf } from '../auth/principal.ts';
import { maskPans } from '../mask.ts';
import { authorizeCommunication, type ViewContext } from './document-access.ts';
import type { DispositionOutcome } from './schemas.ts';

export interface DispositionInput {
  /** The client's own id for this disposition (a UUID): a retried post records it once. */
  clientId: string;
  outcome: DispositionOutcome;
  note?: string | undefined;
  offerId?: string | undefined;
}

/**
 * The customer's response, as the agent recorded it, becomes a `disposition` event (source
 * `call-center`, deduplicated on the client's id). Card numbers typed into the note are masked
 * before they are stored (PCI DSS 3.4.1).
 */
export async function recordDisposition(
  db: Kysely<Database>,
  target: { customerId: string; communicationId: string; offerIds: readonly string[] },
  input: DispositionInput,
  meta: { agent: string; at: string },
): Promise<{ recorded: boolean }> {
  if (input.offerId !== undefined && !target.offerIds.includes(input.offerId)) {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `offerId: ${input.offerId} was not offered in this communication`,
      { field: 'offerId' },
    );
  }
  const recorded = await appendEvent(db, {
    source: 'call-center',
    // Scoped to the communication, so two clients' ids can never collide across communications.
    sourceId: `${target.communicationId}/${input.clientId}`,
    type: 'disposition',
    communicationId: target.communicationId,
    customerId: target.customerId,
    offerId: input.offerId ?? null,
    payload: {
      outcome: input.outcome,
      ...(input.note ? { note: maskPans(input.note) } : {}),
      agent: meta.agent,
    },
    occurredAt: meta.at,
  });
  return { recorded };
}

/**
 * An agent records the customer's response to one of their communications: the communication is
 * reached through its customer (authorizeCommunication, audited as `disposition.record`) and an
 * `offerId` must be one the communication's decision offered. The same for the API and the UI.
 */
export async function recordAgentDisposition(
  db: Kysely<Database>,
  params: { customerId: string; communicationId: string },
  input: DispositionInput,
  meta: { ctx: ViewContext; at: string },
): Promise<{ recorded: boolean }> {
  const { customerId, communicationId } = params;
  const c = await authorizeCommunication(db, customerId, communicationId, meta.ctx, 'disposition.record');
  const stored = await getDecision<Decision>(db, c.runId, customerId);
  return recordDisposition(
    db,
    { customerId, communicationId, offerIds: stored?.decision.offers.map((o) => o.offerId) ?? [] },
    input,
    { agent: actorOf(meta.ctx.principal), at: meta.at },
  );
}
