import type { Kysely } from 'kysely';
import { type Database, summarizeRunCommunications } from '../store/index.ts';

/**
 * Watching a run from the process that started it (the foreground `missive run`): how far it is —
 * customers done of the total, by status, pages, bytes, rate since the watch began — polled from the
 * ledger (store/run-ledger-counts.ts) until every customer has a row or the run stops. The CLI's bar
 * draws it (cli/progress-bar.ts).
 */
export interface RunProgress {
  total: number;
  done: number;
  byStatus: Record<string, number>;
  pages: number;
  bytes: number;
  elapsedMs: number;
  /** Customers finished per second since the watch began (work found already done is not counted). */
  ratePerSecond: number;
}

export async function readRunProgress(
  db: Kysely<Database>,
  runId: string,
  total: number,
  startedAt: number,
  doneAtStart = 0,
): Promise<RunProgress> {
  const summary = await summarizeRunCommunications(db, runId);
  const done = Object.values(summary.byStatus).reduce((a, b) => a + b, 0);
  const elapsedMs = Date.now() - startedAt;
  return {
    total,
    done,
    ...summary,
    elapsedMs,
    ratePerSecond: elapsedMs > 0 ? ((done - doneAtStart) / elapsedMs) * 1000 : 0,
  };
}

/**
 * Polls the ledger until every customer of the run has a row (archived or failed). The ledger is the
 * truth: it counts work done by any worker process, on any machine.
 */
export async function waitForRun(
  db: Kysely<Database>,
  runId: string,
  total: number,
  options: {
    intervalMs?: number;
    onProgress?: (p: RunProgress) => void;
    signal?: AbortSignal;
    /** Checked each poll: stop waiting (e.g. the run was paused or cancelled). */
    shouldStop?: () => Promise<boolean>;
  } = {},
): Promise<RunProgress> {
  const startedAt = Date.now();
  const doneAtStart = (await readRunProgress(db, runId, total, startedAt)).done;
  for (;;) {
    const asked = Date.now();
    const progress = await readRunProgress(db, runId, total, startedAt, doneAtStart);
    options.onProgress?.(progress);
    if (progress.done >= total || options.signal?.aborted) return progress;
    if (options.shouldStop && (await options.shouldStop())) return progress;
    // Counting a big run's ledger takes a while: poll so that counting costs at most ~5 % of a core.
    const wait = Math.max(options.intervalMs ?? 250, 20 * (Date.now() - asked));
    await new Promise((r) => setTimeout(r, wait));
  }
}
