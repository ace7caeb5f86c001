import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { ChannelKind, RunStatus } from '../core/types.ts';
import {
  type Database,
  forgetRenderFailures,
  getRun,
  inTransaction,
  listFailedCommunicationIds,
  type RunRecord,
  transitionCommunicationStatus,
  transitionRunStatus,
} from '../store/index.ts';

/**
 * Run control, through the store only (no Redis): the CLI, the API and every worker share it.
 *
 * - pause: the run's status becomes `paused`. Render chunks check the status between customers and
 *   stop (the rest of the chunk stays undone); dispatch jobs of a paused run are delayed, not sent.
 * - resume: `planning` with the next plan generation. Whoever plans next (`missive worker`'s
 *   coordinator or `missive run`) re-plans under new chunk job ids; customers already in the
 *   ledger are skipped, so only what the pause left undone is made.
 * - cancel: `cancelled`. Chunks stop between customers, queued sends are dropped (their documents
 *   stay `archived`); the report counts the customers never processed (honest counts).
 * - retry-failed: see retryFailed.
 */
const PAUSABLE: readonly RunStatus[] = ['planning', 'running'];
const CANCELLABLE: readonly RunStatus[] = ['planning', 'running', 'paused'];
const RETRYABLE: readonly RunStatus[] = ['completed', 'failed', 'paused'];

async function requireRun(db: Kysely<Database>, id: string): Promise<RunRecord> {
  const run = await getRun(db, id);
  if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${id}`, { runId: id });
  return run;
}

async function move(
  db: Kysely<Database>,
  id: string,
  from: readonly RunStatus[],
  to: RunStatus,
  action: string,
  newPlan = false,
): Promise<RunRecord> {
  const run = await requireRun(db, id);
  if (!(await transitionRunStatus(db, id, from, to, { newPlan }))) {
    const now = (await getRun(db, id))?.status ?? run.status;
    throw new MissiveError('MSV_RUN_STATE', `cannot ${action} run ${id}: it is ${now}`, {
      runId: id,
      status: now,
    });
  }
  return requireRun(db, id);
}

/**
 * Pauses a run (no new chunks start).
 * @throws MissiveError MSV_RUN_NOT_FOUND, or MSV_RUN_STATE when the run cannot be paused.
 */
export function pauseRun(db: Kysely<Database>, id: string): Promise<RunRecord> {
  return move(db, id, PAUSABLE, 'paused', 'pause');
}

/**
 * Resumes a paused run (back to planning).
 * @throws MissiveError MSV_RUN_NOT_FOUND, or MSV_RUN_STATE when it is not paused.
 */
export function resumeRun(db: Kysely<Database>, id: string): Promise<RunRecord> {
  return move(db, id, ['paused'], 'planning', 'resume', true);
}

/**
 * Cancels a run; what was sent stays sent.
 * @throws MissiveError MSV_RUN_NOT_FOUND, or MSV_RUN_STATE when it is already final.
 */
export function cancelRun(db: Kysely<Database>, id: string): Promise<RunRecord> {
  return move(db, id, CANCELLABLE, 'cancelled', 'cancel');
}

export interface RetryFailedResult {
  run: RunRecord;
  /** Customers whose document could not be made: their failed row is removed and they are planned again. */
  rerender: number;
  /** Sends given up after temporary failures: back to `archived`, queued again by the outbox relay. */
  resend: number;
  /** Fallback print documents that failed to render: back to `pending`. */
  refallback: number;
}

/**
 * Re-runs only the run's failures, idempotently. A customer whose document failed (render stage, no
 * artifact) loses its failed ledger row and failure-list entry, so the next plan makes it again and
 * the new outcome takes the row's place; a send given up after temporary failures (never accepted
 * by the provider) goes back to `archived`. Permanent send failures (bounces, unreachable) are not
 * retried: sending them again is what a bounce says not to do. Nothing that was sent is touched, so
 * nothing is sent twice. Allowed on a completed, failed or paused run; the run re-plans (`planning`).
 */
export async function retryFailed(db: Kysely<Database>, id: string): Promise<RetryFailedResult> {
  const run = await requireRun(db, id);
  if (!RETRYABLE.includes(run.status))
    throw new MissiveError('MSV_RUN_STATE', `cannot retry the failures of run ${id}: it is ${run.status}`, {
      runId: id,
      status: run.status,
    });
  const counts = await inTransaction(db, async (trx) => {
    const rerender = await forgetRenderFailures(trx, id);
    const resend = await reopen(trx, id, 'gave up after %', ['email', 'sms'], 'archived');
    const refallback = await reopen(trx, id, 'fallback print:%', ['print'], 'pending');
    return { rerender, resend, refallback };
  });
  if (!(await transitionRunStatus(db, id, RETRYABLE, 'planning', { newPlan: true })))
    throw new MissiveError('MSV_RUN_STATE', `run ${id} changed state during retry-failed`, { runId: id });
  return { run: await requireRun(db, id), ...counts };
}

/**
 * Moves failed rows whose reason matches back to `to` through the ledger's state machine (so each
 * move has its history entry); returns how many.
 */
async function reopen(
  trx: Kysely<Database>,
  runId: string,
  reasonLike: string,
  channels: readonly ChannelKind[],
  to: 'archived' | 'pending',
): Promise<number> {
  const ids = await listFailedCommunicationIds(trx, runId, channels, reasonLike);
  for (const id of ids)
    await transitionCommunicationStatus(trx, id, { from: ['failed'], to, reason: 'retry-failed' });
  return ids.length;
}
