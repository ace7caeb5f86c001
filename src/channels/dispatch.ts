import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/blob-store.ts';
import { MissiveError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind, CommunicationStatus, Customer } from '../core/types.ts';
import {
  type CommunicationPatch,
  type CommunicationRecord,
  getCommunication,
  insertCommunicationIfAbsent,
  transitionCommunicationStatus,
} from '../store/communications.ts';
import { getCustomer } from '../store/customers.ts';
import { appendEvent } from '../store/events.ts';
import { getRun } from '../store/runs.ts';
import type { Database } from '../store/schema.ts';
import { inTransaction } from '../store/transaction.ts';
import type { Channel, Outbound, SendContext, SendResult } from './channel.ts';
import { backoffMs } from './classify.ts';
import type { DeliveryPolicy, DeliveryPolicyLookup } from './delivery-policy.ts';

/**
 * The dispatch state machine on the ledger. One call moves one communication as far as it can:
 *
 *   pending | archived ──► sending ──► sent | failed | unknown   (retry: sending ──► archived)
 *   sending (found after a crash) ──► unknown ──► reconciled: sent, or archived and sent again
 *
 * Every move is a compare-and-set recorded in the status history with time, reason and code, so
 * two workers never both send, and a communication already `sent` is never sent again, whatever is
 * retried (RELIABILITY N1). Jobs and retries carry only the communication id.
 */
export interface DispatchDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  channels: Partial<Record<ChannelKind, Channel>>;
  policy: DeliveryPolicyLookup;
  now?: () => Date;
  /** Called with a fallback communication (a bounced statement's print row) so a run can make it. */
  onFallback?: (fallback: CommunicationRecord) => Promise<void>;
  /**
   * Called once a communication is `sent` (by the provider's answer or by reconciliation), inside
   * the transaction that marks it sent: the feedback loop counts the exposures of its offers then
   * (src/feedback/model-stats.ts), and the count exists exactly when the `sent` does.
   */
  onSent?: (communicationId: string, trx: Kysely<Database>) => Promise<void>;
}

export interface DispatchOutcome {
  status: CommunicationStatus;
  /** Set when the communication should be tried again after this long (retry, unresolved unknown). */
  retryAfterMs?: number;
  /** The retry is a rate limit or quiet hours, not a spent attempt (F6). */
  throttled?: boolean;
  /** The provider's or Missive's code of the last result (smtp-451, MSV_CHANNEL_QUIET_HOURS…). */
  code?: string;
  /** Nothing was done: already final, not this stage's channel, or another worker has it. */
  skipped?: boolean;
  fallbackId?: string;
}

const FINAL: ReadonlySet<CommunicationStatus> = new Set(['sent', 'failed', 'suppressed']);

export async function dispatchCommunication(deps: DispatchDeps, id: string): Promise<DispatchOutcome> {
  const comm = await getCommunication(deps.db, id);
  if (!comm)
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no communication with id ${id}`, { communicationId: id });
  const channel = deps.channels[comm.channel];
  if (FINAL.has(comm.status) || !channel) return { status: comm.status, skipped: true };
  const prepared = await prepare(deps, comm);
  if ('outcome' in prepared) return prepared.outcome;
  const { message, ctx, policy } = prepared;
  if (comm.status === 'sending' || comm.status === 'unknown') {
    const resolved = await resolveAmbiguous(deps, channel, comm, message, ctx);
    if (resolved) return resolved;
  }
  const claimed = await transitionCommunicationStatus(deps.db, id, {
    from: ['pending', 'archived'],
    to: 'sending',
    reason: `attempt ${comm.attempts + 1}`,
    patch: { attempt: true },
  });
  if (!claimed) return { status: (await getCommunication(deps.db, id))!.status, skipped: true };
  const result = await channel.send(message, ctx);
  return applyResult(deps, comm, policy, result);
}

type Prepared =
  | { message: Outbound; ctx: SendContext; policy: DeliveryPolicy }
  | { outcome: DispatchOutcome };

async function prepare(deps: DispatchDeps, comm: CommunicationRecord): Promise<Prepared> {
  const run = await getRun(deps.db, comm.runId);
  const policy = await deps.policy(run?.communicationType ?? '');
  const customer = await getCustomer(deps.db, comm.customerId);
  const ctx: SendContext = {
    deliveryKey: comm.deliveryKey ?? comm.id,
    communicationId: comm.id,
    purpose: policy.purpose,
    now: (deps.now ?? (() => new Date()))(),
    attempt: comm.attempts + 1,
    quietHours: policy.quietHours,
  };
  const address = customer ? contactAddress(customer, comm.channel) : null;
  if (!customer || !address || !comm.artifactSha256) {
    const reason = !customer
      ? 'customer no longer exists'
      : !address
        ? `no ${comm.channel} contact point`
        : 'no artifact';
    const claimed = await transitionCommunicationStatus(deps.db, comm.id, {
      from: ['pending', 'archived'],
      to: 'sending',
      reason: 'checking contact point',
    });
    if (!claimed) return { outcome: { status: comm.status, skipped: true } };
    return {
      outcome: await applyResult(deps, comm, policy, { kind: 'unreachable', reason, code: 'no-address' }),
    };
  }
  const artifact = await deps.blobs.get(comm.artifactSha256);
  const message: Outbound = {
    artifact: { bytes: artifact, mime: '', sha256: comm.artifactSha256, size: artifact.byteLength },
    to: { address, name: customer.name, timeZone: customer.timeZone },
  };
  return { message, ctx, policy };
}

function contactAddress(customer: Customer, channel: ChannelKind): string | null {
  if (channel === 'email') return customer.email;
  if (channel === 'sms') return customer.phone;
  return null;
}

/**
 * A send that may have reached the provider (`unknown`, or `sending` left by a crash) is looked up
 * before anything is sent again: found → `sent`; not there → back to `archived` and sent. A channel
 * without lookup (SMTP) resends with the same Message-ID, which makes the copy recognisably the same
 * message; the `unknown` in the history marks that ambiguous window. Returns an outcome when done.
 */
async function resolveAmbiguous(
  deps: DispatchDeps,
  channel: Channel,
  comm: CommunicationRecord,
  message: Outbound,
  ctx: SendContext,
): Promise<DispatchOutcome | undefined> {
  if (comm.status === 'sending') {
    await transitionCommunicationStatus(deps.db, comm.id, {
      from: ['sending'],
      to: 'unknown',
      reason: 'interrupted while sending',
      code: 'MSV_CHANNEL_UNKNOWN',
    });
  }
  if (!channel.reconcile) {
    await transitionCommunicationStatus(deps.db, comm.id, {
      from: ['unknown'],
      to: 'archived',
      reason: 'no lookup on this channel: resent with the same message id',
    });
    return undefined;
  }
  const found = await channel.reconcile(message, ctx);
  if (found.kind === 'sent') {
    await markSent(deps, comm.id, ['unknown'], 'reconciled: the provider has the message', {
      providerId: found.providerId,
      providerStatus: found.providerStatus ?? null,
    });
    return { status: 'sent' };
  }
  if (found.kind === 'undetermined') return { status: 'unknown', retryAfterMs: backoffMs(ctx.attempt) };
  await transitionCommunicationStatus(deps.db, comm.id, {
    from: ['unknown'],
    to: 'archived',
    reason: 'reconciled: the provider has no such message',
  });
  return undefined;
}

async function applyResult(
  deps: DispatchDeps,
  comm: CommunicationRecord,
  policy: DeliveryPolicy,
  result: SendResult,
): Promise<DispatchOutcome> {
  const move = (to: CommunicationStatus, reason: string | null, code: string | null, patch = {}) =>
    transitionCommunicationStatus(deps.db, comm.id, { from: ['sending'], to, reason, code, patch });
  switch (result.kind) {
    case 'sent':
      await markSent(deps, comm.id, ['sending'], null, {
        providerId: result.providerId,
        providerStatus: result.providerStatus ?? null,
        segments: result.segments ?? null,
        cost: result.cost ?? null,
        costUnit: result.costUnit ?? null,
        errorCode: null,
      });
      return { status: 'sent' };
    case 'retry':
      await move('archived', `retry: ${result.reason}`, result.code, { errorCode: result.code });
      return {
        status: 'archived',
        retryAfterMs: result.retryAfterMs,
        ...(result.throttled ? { throttled: true } : {}),
      };
    case 'unknown':
      await move('unknown', result.reason, result.code, { errorCode: result.code });
      return { status: 'unknown', retryAfterMs: backoffMs(comm.attempts + 1) };
    case 'failed':
    case 'unreachable': {
      const bounce = result.kind === 'unreachable' || result.bounce;
      await move(
        'failed',
        `${result.kind === 'unreachable' ? 'unreachable' : 'failed'}: ${result.reason}`,
        result.code,
        { errorCode: result.code },
      );
      if (result.kind === 'failed' && result.bounce)
        await recordBounce(deps, comm, result.code, result.reason);
      const fallbackId =
        bounce && policy.mustDeliver ? await fallBackToPrint(deps, comm, result.code) : undefined;
      return fallbackId ? { status: 'failed', fallbackId } : { status: 'failed' };
    }
  }
}

/** `sent`, and what follows from it (the offers' exposures), in one transaction. */
async function markSent(
  deps: DispatchDeps,
  id: string,
  from: readonly CommunicationStatus[],
  reason: string | null,
  patch: CommunicationPatch,
): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    await transitionCommunicationStatus(trx, id, { from, to: 'sent', reason, patch });
    await deps.onSent?.(id, trx);
  });
}

async function recordBounce(
  deps: DispatchDeps,
  comm: CommunicationRecord,
  code: string,
  reason: string,
): Promise<void> {
  await appendEvent(deps.db, {
    source: comm.channel === 'email' ? 'smtp' : 'twilio',
    sourceId: `${comm.deliveryKey ?? comm.id}:bounced`,
    type: 'bounced',
    communicationId: comm.id,
    customerId: comm.customerId,
    payload: { code, reason, channel: comm.channel },
    occurredAt: new Date().toISOString(),
  });
}

/** A document the law wants delivered goes on paper when its electronic copy cannot be delivered. */
async function fallBackToPrint(
  deps: DispatchDeps,
  comm: CommunicationRecord,
  code: string,
): Promise<string | undefined> {
  if (comm.channel === 'print') return undefined;
  const { id, inserted } = await insertCommunicationIfAbsent(deps.db, {
    runId: comm.runId,
    customerId: comm.customerId,
    channel: 'print',
    templateVersionId: comm.templateVersionId,
    inputSha256: comm.inputSha256,
    status: 'pending',
    reason: `fallback: ${comm.channel} ${code}`,
    fallbackOf: comm.id,
  });
  deps.logger.info({ communicationId: comm.id, fallbackId: id, code }, 'fell back to print');
  if (inserted && deps.onFallback) {
    const fallback = await getCommunication(deps.db, id);
    if (fallback) await deps.onFallback(fallback);
  }
  return id;
}
