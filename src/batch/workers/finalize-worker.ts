import path from 'node:path';
import { DelayedError, type Job, Worker } from 'bullmq';
import { buildPrintStreams } from '../../channels/heavy.ts';
import { printStreamOptions } from '../../channels/index.ts';
import { errorMessage } from '../../core/errors.ts';
import { throttled } from '../../core/log-throttle.ts';
import { recordPrintedExposures } from '../../feedback/index.ts';
import { getRun, readRunWorkLeft } from '../../store/index.ts';
import { FINALIZE_QUEUE, type FinalizeRunJob, lockOptions } from '../queues.ts';
import type { RedisClient } from '../redis-connection.ts';
import { repeatKeyOf } from '../redis-fault.ts';
import { finishRun } from '../run-finish.ts';
import { type WatchedWorker, watchWorker } from '../worker-watchdog.ts';
import { createRenderChunkDeps } from './chunk-deps.ts';
import type { RenderChunkDeps } from './render-chunk.ts';
import { renderPendingPrint } from './render-fallback.ts';

/**
 * The parent of a run's BullMQ flow (see planner.ts): it runs once all its chunk jobs are done and
 * closes the run — fallback paper rendered, print streams assembled (when `printStreamsDir` is set),
 * run reconciled and its report frozen (finishRun). A parent that finds other segments' customers
 * still undone stands down (the last segment's parent closes the run); one that finds only sends
 * under way waits (delays itself, without spending an attempt). It stands down too when the run is
 * paused or cancelled or was re-planned (a newer generation has its own parents). Closing is a
 * compare-and-set, so parents of several segments, a foreground `missive run` and the worker's
 * coordinator can all try: exactly one closes the run.
 */
export interface FinalizeWorkerOptions {
  connection: RedisClient;
  prefix: string;
  /** Where print streams go (`<dir>/<run id>`); without it, print streams are left to `missive print-streams`. */
  printStreamsDir?: string | undefined;
  /** How long to wait before looking again (default 1 s). */
  recheckMs?: number;
  lockMs?: number | undefined;
  /** Recreate the worker when it idles this long after a Redis reconnect while runs wait to close (worker-watchdog.ts). */
  idleMs?: number | undefined;
}

/** What closing a run needs; `chunks` renders its fallback paper (startBatchStages gives the process's own). */
export interface FinalizeDeps extends Pick<RenderChunkDeps, 'db' | 'blobs' | 'logger'> {
  chunks?: RenderChunkDeps | undefined;
}

export async function processFinalizeRun(
  deps: FinalizeDeps,
  job: Job<FinalizeRunJob>,
  token: string | undefined,
  options: Pick<FinalizeWorkerOptions, 'printStreamsDir' | 'recheckMs'>,
): Promise<string> {
  const run = await getRun(deps.db, job.data.runId);
  if (!run) return 'no such run';
  if (run.generation !== job.data.generation) return 'superseded by a newer plan';
  if (run.status !== 'running' && run.status !== 'planning') return `run is ${run.status}`;
  const asked = Date.now();
  const work = await readRunWorkLeft(deps.db, run);
  if (run.customersTotal !== null && work.customersDone < work.customersTotal) {
    // Other segments' chunks are still under way: their parents run when they are done, and the
    // last of them finds every customer done. Waiting here instead made every finished segment's
    // parent count the whole ledger every second: at 170,000 rows of a 1M-customer run, three
    // parents kept the run's own process 77 % busy in SQLite and sends fell behind.
    return 'other segments under way';
  }
  if (run.customersTotal === null || work.toSend > 0) {
    // Sends still going out (or the run still being planned): look again later, less often as the
    // count gets dearer (20 times as long as it took), so the wait costs under 5 % of a process.
    const wait = Math.max(options.recheckMs ?? 1_000, 20 * (Date.now() - asked));
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  }
  if (work.toPrint > 0)
    await renderPendingPrint(deps.chunks ?? createRenderChunkDeps(deps.db, deps.blobs, deps.logger), run.id);
  if (options.printStreamsDir) {
    try {
      // The letters are handed over with their files: their offers' exposures count from then.
      const onPrinted = async (ids: readonly string[]) => void (await recordPrintedExposures(deps.db, ids));
      await buildPrintStreams(
        { ...deps, onPrinted },
        {
          runId: run.id,
          options: printStreamOptions({}),
          outDir: path.join(options.printStreamsDir, run.id),
        },
      );
    } catch (err) {
      // The run is still done; the print house files can be made again with `missive print-streams`.
      deps.logger.error({ runId: run.id, err: errorMessage(err) }, 'print streams failed');
    }
  }
  return finishRun(deps, run.id);
}

/** The finalize worker under the watchdog: one left idle by a Redis reconnect is replaced (RELIABILITY F3). */
export function startFinalizeWorker(
  deps: FinalizeDeps,
  options: FinalizeWorkerOptions,
): WatchedWorker<Worker<FinalizeRunJob>> {
  return watchWorker(() => createFinalizeWorker(deps, options), {
    connection: options.connection,
    prefix: options.prefix,
    logger: deps.logger,
    idleMs: options.idleMs,
  });
}

function createFinalizeWorker(deps: FinalizeDeps, options: FinalizeWorkerOptions): Worker<FinalizeRunJob> {
  const worker = new Worker<FinalizeRunJob>(
    FINALIZE_QUEUE,
    (job, token) => processFinalizeRun(deps, job, token, options),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 4,
      ...lockOptions(options.lockMs, 30_000),
    },
  );
  const errors = throttled(deps.logger); // counted, not repeated (log-throttle.ts)
  worker.on('error', (err) =>
    errors.error(`finalize:${repeatKeyOf(err)}`, { err: err.message }, 'finalize worker error'),
  );
  return worker;
}
