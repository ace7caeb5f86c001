import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger.ts';
import type { RunStatus } from '../core/types.ts';
import {
  countRunOutcomes,
  type Database,
  getRun,
  inTransaction,
  saveRunReport,
  transitionRunStatus,
} from '../store/index.ts';
import { buildRunReport } from './run-report.ts';
import type { FileSourceOptions } from './run-source.ts';

/**
 * Closes a run whose work is done, compare-and-set, so when several processes notice at once
 * exactly one closes it; that one reconciles the run and freezes its report on it (an unbalanced run
 * is logged as an error — the report says what is off). The run becomes `completed`, or `failed`
 * when no document was made because every customer failed (`runs retry-failed` re-opens it). Returns
 * the run's status afterwards (a paused or cancelled run stays so).
 */
export async function finishRun(
  deps: { db: Kysely<Database>; logger: Logger },
  runId: string,
): Promise<RunStatus> {
  const outcome = await closingStatus(deps.db, runId);
  // One transaction: nobody sees the run closed without its report.
  const report = await inTransaction(deps.db, async (trx) => {
    const closed = await transitionRunStatus(
      trx,
      runId,
      ['running', 'planning', 'failed', 'completed'],
      outcome,
    );
    if (!closed) return undefined;
    const built = await buildRunReport(trx, runId);
    await saveRunReport(trx, runId, built);
    return built;
  });
  if (report) {
    const { balanced, problems } = report.reconciliation;
    if (outcome === 'failed')
      deps.logger.error({ runId, failures: report.failures }, 'run failed: every customer failed');
    else if (balanced) deps.logger.info({ runId }, 'run completed and reconciled');
    else deps.logger.error({ runId, problems }, 'run completed but does not reconcile');
  }
  return (await getRun(deps.db, runId))?.status ?? outcome;
}

/**
 * `failed` when every customer failed without a document — each customer's own ledger row is a
 * render-stage failure, and rows of a customer file refused at input count as failed customers too —
 * so a run that made nothing is never `completed`. Suppressed customers and documents that were made
 * but not delivered (bounces) keep a run `completed` (its exit code still says 3).
 */
async function closingStatus(db: Kysely<Database>, runId: string): Promise<'completed' | 'failed'> {
  const counts = await countRunOutcomes(db, runId);
  const input = (await getRun(db, runId))?.options.input as FileSourceOptions | undefined;
  const failed = counts.notMade + (input?.rejected ?? 0);
  return failed > 0 && counts.customers === counts.notMade ? 'failed' : 'completed';
}
