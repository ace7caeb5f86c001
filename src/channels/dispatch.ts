import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/index.ts';
import { MissiveError } from '../core/errors.ts';
import { RESENT_AFTER_UNKNOWN } from '../core/history-codes.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind, CommunicationStatus, Customer } from '../core/types.ts';
import { decodeEmail } from '../render/index.ts';
import {
  appendEvent,
  type CommunicationPatch,
  type CommunicationRecord,
  type Database,
  getCommunication,
  getCustomer,
  getRecipient,
  getRun,
  insertCommunicationIfAbsent,
  inTransaction,
  transitionCommunicationStatus,
} from '../store/index.ts';
import type { Channel, Outbound, OutboundAttachment, SendContext, SendResult } from './channel.ts';
import { backoffMs } from './classify.ts';
import type { DeliveryPolicy, DeliveryPolicyLookup } from './delivery-policy.ts';
import type { JournalSlot, SendJournal } from './send-journal.ts';

/**
 * The dispatch state machine on the ledger. One call moves one communication as far as it can:
 *
 *   pending | archived ──► sending ──► sent | failed | unknown   (retry: sending ──► archived)
 *   sending (found after a crash) ──► unknown ──► reconciled: sent, or archived and sent again
 *
 * The provider's acceptance is written to the send journal (send-journal.ts) before the ledger is
 * told, so a `sent` that could not be recorded (a full disk, a crash) is found there and never sent
 * again. A send that is resent without that certainty (no lookup on the channel, nothing in the
 * journal) is a possible duplicate, recorded as such: counted in the run report, shown in the
 * customer's timeline.
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
  /** Where a provider's acceptance is kept before the ledger has it (without: the old ambiguous window). */
  journal?: SendJournal | undefined;
  /**
   * Aborted when the process stops (a full disk, a lost Redis): no new send starts after it. Sends
   * already handed to the provider finish and journal their answer (the dispatch stage waits for
   * them before it closes the journal), so a stop never leaves an accepted send unrecorded.
   */
  stopping?: AbortSignal | undefined;
}

export interface DispatchOutcome {
  status: CommunicationStatus;
  /** Set when the communication should be tried again after this long (retry, unresolved unknown). */
  retryAfterMs?: number;
  /** The retry is a rate limit or quiet hours, not a spent attempt (RELIABILITY F6). */
  throttled?: boolean;
  /** The provider's or Missive's code of the last result (smtp-451, MSV_CHANNEL_QUIET_HOURS…). */
  code?: string;
  /** Nothing was done: already final, not this stage's channel, or another worker has it. */
  skipped?: boolean;
  fallbackId?: string;
}

const FINAL: ReadonlySet<CommunicationStatus> = new Set(['sent', 'failed', 'suppressed']);

/**
 * Sends one communication through the ledger's state machine (RELIABILITY N1-N5).
 * @throws MissiveError MSV_STORE_NOT_FOUND for an unknown id.
 */
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
  // Stopping: this send waits for the next run (it is still `pending`/`archived`, nothing went out).
  if (deps.stopping?.aborted) return { status: comm.status, skipped: true };
  // A place for the provider's answer first: without one nothing is sent (the journal is full).
  const slot = deps.journal?.reserve();
  const claimed = await transitionCommunicationStatus(deps.db, id, {
    from: ['pending', 'archived'],
    to: 'sending',
    reason: `attempt ${comm.attempts + 1}`,
    patch: { attempt: true },
  }).catch((err: unknown) => {
    slot?.release();
    throw err;
  });
  if (!claimed) {
    slot?.release();
    return { status: (await getCommunication(deps.db, id))!.status, skipped: true };
  }
  const result = await channel.send(message, ctx);
  if (result.kind !== 'sent') slot?.release();
  else {
    const at = new Date().toISOString();
    const { providerId, providerStatus = null } = result;
    await keepReceipt(deps, slot, { communicationId: id, providerId, providerStatus, at });
  }
  const outcome = await applyResult(deps, comm, policy, result);
  slot?.release(); // only reached once the ledger took the answer: a throw above keeps the receipt
  return outcome;
}

/**
 * The provider accepted: its answer goes to the journal before the ledger. A journal that cannot be
 * written (an I/O error) does not stop the ledger write that follows; it is logged.
 */
async function keepReceipt(
  deps: DispatchDeps,
  slot: JournalSlot | undefined,
  receipt: Parameters<JournalSlot['write']>[0],
): Promise<void> {
  try {
    await slot?.write(receipt);
  } catch (err) {
    deps.logger.error(
      { communicationId: receipt.communicationId, err: (err as Error).message },
      'send journal write failed; recording the send in the ledger only',
    );
  }
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
  // A copy an agent sent to another address (confirmed twice) goes there; everything else to the file.
  const other = comm.copyOf ? await getRecipient(deps.db, comm.id) : undefined;
  const address = customer ? (other ?? contactAddress(customer, comm.channel)) : null;
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
      outcome: await applyResult(deps, comm, policy, {
        kind: 'unreachable',
        reason,
        code: 'MSV_CHANNEL_UNREACHABLE',
      }),
    };
  }
  const artifact = await deps.blobs.get(comm.artifactSha256);
  const attachments = comm.channel === 'email' ? await resolveAttachments(deps, artifact) : [];
  const message: Outbound = {
    artifact: { bytes: artifact, mime: '', sha256: comm.artifactSha256, size: artifact.byteLength },
    to: { address, name: customer.name, timeZone: customer.timeZone },
    ...(attachments.length > 0 ? { attachments } : {}),
  };
  return { message, ctx, policy };
}

/**
 * The documents an archived e-mail names (format 3), each read from the blob store, which verifies
 * it against its sha256 (MSV_ARCHIVE_TAMPERED / _NOT_FOUND otherwise: nothing is sent), and its
 * size checked against the reference: what goes out is exactly what the archive holds.
 */
async function resolveAttachments(deps: DispatchDeps, email: Uint8Array): Promise<OutboundAttachment[]> {
  const refs = decodeEmail(email).attachments ?? [];
  const out: OutboundAttachment[] = [];
  for (const ref of refs) {
    const bytes = await deps.blobs.get(ref.sha256);
    if (bytes.byteLength !== ref.size) {
      throw new MissiveError(
        'MSV_ARCHIVE_TAMPERED',
        `attachment ${ref.name}: ${bytes.byteLength} bytes in the archive, the message names ${ref.size}`,
        { sha256: ref.sha256 },
      );
    }
    out.push({ name: ref.name, mediaType: ref.mediaType, sha256: ref.sha256, bytes });
  }
  return out;
}

function contactAddress(customer: Customer, channel: ChannelKind): string | null {
  if (channel === 'email') return customer.email;
  if (channel === 'sms') return customer.phone;
  return null;
}

/**
 * A send that may have reached the provider (`unknown`, or `sending` left by a crash or a store
 * write that failed after the provider's answer) is settled before anything is sent again: a receipt
 * in the send journal → `sent`; else the channel's lookup: found → `sent`, not there → back to
 * `archived` and sent. A channel without lookup (SMTP) resends with the same Message-ID, and that
 * resend is recorded as a possible duplicate (history code `resent-after-unknown` and a
 * `possible-duplicate` event, in one transaction before the send). Returns an outcome when done.
 */
async function resolveAmbiguous(
  deps: DispatchDeps,
  channel: Channel,
  comm: CommunicationRecord,
  message: Outbound,
  ctx: SendContext,
): Promise<DispatchOutcome | undefined> {
  const receipt = deps.journal?.find(comm.id);
  if (receipt) {
    await markSent(
      deps,
      comm.id,
      ['sending', 'unknown'],
      `the provider accepted it at ${receipt.at}; recorded from the send journal`,
      { providerId: receipt.providerId, providerStatus: receipt.providerStatus, errorCode: null },
    );
    deps.journal?.forget(comm.id);
    return { status: 'sent' };
  }
  if (comm.status === 'sending') {
    await transitionCommunicationStatus(deps.db, comm.id, {
      from: ['sending'],
      to: 'unknown',
      reason: 'interrupted while sending',
      code: 'MSV_CHANNEL_UNKNOWN',
    });
  }
  if (!channel.reconcile) {
    await recordPossibleDuplicate(deps, comm);
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

export { RESENT_AFTER_UNKNOWN };
/** The timeline event of that resend. */
export const POSSIBLE_DUPLICATE_EVENT = 'possible-duplicate';

async function recordPossibleDuplicate(deps: DispatchDeps, comm: CommunicationRecord): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const moved = await transitionCommunicationStatus(trx, comm.id, {
      from: ['unknown'],
      to: 'archived',
      reason: 'no lookup on this channel: resent with the same message id (possible duplicate)',
      code: RESENT_AFTER_UNKNOWN,
    });
    if (!moved) return;
    await appendEvent(trx, {
      source: 'missive',
      sourceId: `${comm.deliveryKey ?? comm.id}:resent:${comm.attempts}`,
      type: POSSIBLE_DUPLICATE_EVENT,
      communicationId: comm.id,
      customerId: comm.customerId,
      payload: {
        channel: comm.channel,
        reason: 'resent after an interrupted send',
        attempt: comm.attempts + 1,
      },
      occurredAt: (deps.now ?? (() => new Date()))().toISOString(),
    });
  });
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
