import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger.ts';
import type { RunStatus } from '../core/types.ts';
import { summarizeRunCommunications } from '../store/run-progress.ts';
import { getRun, saveRunReport, transitionRunStatus } from '../store/runs.ts';
import type { Database } from '../store/schema.ts';
import { inTransaction } from '../store/transaction.ts';
import { buildRunReport } from './run-report.ts';

/**
 * Closes a run whose work is done: → `completed` (or `failed` when every customer failed), compare-and-set, so when several processes notice
 * at once exactly one closes it; that one reconciles the run and freezes its report on it (an
 * unbalanced run is logged as an error — the report says what is off). Returns the run's status
 * afterwards (a paused or cancelled run stays so).
 */
export async function finishRun(
  deps: { db: Kysely<Database>; logger: Logger },
  runId: string,
): Promise<RunStatus> {
  // A run in which every customer failed made nothing: it is `failed`, never `completed`.
  const { byStatus } = await summarizeRunCommunications(deps.db, runId);
  const failed = byStatus.failed ?? 0;
  const other = Object.entries(byStatus).reduce(
    (n, [status, count]) => (status === 'failed' ? n : n + count),
    0,
  );
  const outcome: RunStatus = failed > 0 && other === 0 ? 'failed' : 'completed';
  // One transaction: nobody sees the run completed without its report.
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
    if (outcome === 'failed') deps.logger.error({ runId, failed }, 'run failed: every customer failed');
    else if (balanced) deps.logger.info({ runId }, 'run completed and reconciled');
    else deps.logger.error({ runId, problems }, 'run completed but does not reconcile');
  }
  return (await getRun(deps.db, runId))?.status ?? 'completed';
}
