import type { Worker } from 'bullmq';
import { settledWithin } from '../core/abortable.ts';
import type { RenderLimits } from '../render/index.ts';
import type { BatchDeps } from './batch-deps.ts';
import { openDispatch } from './open-dispatch.ts';
import { DISPATCH_CHANNELS, type DispatchChannel } from './queues.ts';
import { closeWorkersWithin } from './shutdown.ts';
import type { WatchedWorker } from './worker-watchdog.ts';
import { createRenderChunkDeps } from './workers/chunk-deps.ts';
import type { DispatchStage } from './workers/dispatch-worker.ts';
import { startFinalizeWorker } from './workers/finalize-worker.ts';
import type { RenderChunkDeps } from './workers/render-chunk.ts';
import { startRenderWorker } from './workers/render-worker.ts';

/** The queues a process may work: `render` (render chunks and the flow parents that close runs), `email`, `sms`. */
export const STAGE_QUEUES = ['render', ...DISPATCH_CHANNELS] as const;
export type StageQueue = (typeof STAGE_QUEUES)[number];

export interface BatchStageOptions {
  /** Which queues this process works (default: all). */
  queues?: readonly StageQueue[];
  /** Time and heap caps of each document rendered in this process (render/guard); none: inline. */
  limits?: RenderLimits | undefined;
  /** Chunks rendered at once (default: `deps.concurrency`). */
  concurrency?: number | undefined;
  /** Where the flow parents put print streams (`<dir>/<run id>`); without it, `missive print-streams` makes them. */
  printStreamsDir?: string | undefined;
}

/** The batch stages running in this process: its BullMQ workers and what they share. */
export interface BatchStages {
  /** What chunks and fallback paper are rendered with here: one per process, with the limits given. */
  chunks: RenderChunkDeps;
  /** The dispatch stage, when this process sends e-mail or SMS (a channel given and its queue asked for). */
  dispatch: DispatchStage | undefined;
  /** The electronic channels this process sends on. */
  channels: DispatchChannel[];
  /** Every worker: render, finalize, one per dispatch channel. */
  workers: readonly WatchedWorker<Worker>[];
  waitUntilReady(): Promise<void>;
  /**
   * The one shutdown path. Closes every worker gracefully (active jobs finish) — within `deadlineMs`
   * when given, past which they are force-closed and their jobs left to BullMQ's stalled-job check
   * (`force`: at once, without waiting for active jobs, e.g. when Redis is gone) — then the dispatch
   * queues and send journal, waiting for those at most `queuesMs` (default 5 s). True when every
   * worker closed gracefully in time.
   */
  close(options?: { deadlineMs?: number | undefined; force?: boolean; queuesMs?: number }): Promise<boolean>;
}

/**
 * Starts the batch stages of this process, the same for the foreground `missive run` (execute-run.ts)
 * and `missive worker` (cli/commands/worker.ts): the render worker and the flow parents' finalize
 * worker when `render` is among the queues, and a dispatch worker for each of `deps.channels` whose
 * queue is asked for. Every renderer of the process takes the same `limits`.
 *
 * @example
 * const stages = startBatchStages(deps, { queues: ['render', 'email'], limits: config.renderLimits });
 * await stages.waitUntilReady();
 * // … on SIGTERM:
 * await stages.close({ deadlineMs: 30_000 });
 */
export function startBatchStages(deps: BatchDeps, options: BatchStageOptions = {}): BatchStages {
  const queues = options.queues ?? STAGE_QUEUES;
  const chunks = createRenderChunkDeps(deps.db, deps.blobs, deps.logger, {
    limits: options.limits,
    tracking: deps.tracking,
  });
  const workers: WatchedWorker<Worker>[] = [];
  if (queues.includes('render')) {
    workers.push(
      startFinalizeWorker(
        { db: deps.db, blobs: deps.blobs, logger: deps.logger, chunks },
        {
          connection: deps.connect(),
          prefix: deps.queuePrefix,
          printStreamsDir: options.printStreamsDir,
          lockMs: deps.jobLockMs,
          idleMs: deps.workerIdleMs,
        },
      ),
      startRenderWorker(chunks, {
        connection: deps.connect(),
        prefix: deps.queuePrefix,
        concurrency: options.concurrency ?? deps.concurrency,
        sandbox: deps.sandbox,
        lockMs: deps.jobLockMs,
        idleMs: deps.workerIdleMs,
        diskFull: deps.diskFull,
      }),
    );
  }
  const channels = DISPATCH_CHANNELS.filter((kind) => queues.includes(kind) && deps.channels?.[kind]);
  const given = Object.fromEntries(channels.map((kind) => [kind, deps.channels?.[kind]]));
  const dispatch = openDispatch({ ...deps, channels: given });
  if (dispatch) workers.push(...dispatch.workers);
  return {
    chunks,
    dispatch,
    channels,
    workers,
    waitUntilReady: async () => void (await Promise.all(workers.map((w) => w.waitUntilReady()))),
    async close(closing = {}) {
      const graceful = await closeWorkers(workers, closing);
      if (dispatch) await settledWithin(dispatch.close(), closing.queuesMs ?? 5_000);
      return graceful;
    },
  };
}

/** Forced, gracefully without a deadline, or gracefully within one: true when graceful in time. */
async function closeWorkers(
  workers: readonly WatchedWorker<Worker>[],
  closing: { deadlineMs?: number | undefined; force?: boolean },
): Promise<boolean> {
  if (closing.force) {
    await Promise.allSettled(workers.map((w) => w.close(true)));
    return false;
  }
  if (closing.deadlineMs !== undefined) return closeWorkersWithin(workers, closing.deadlineMs);
  await Promise.all(workers.map((w) => w.close()));
  return true;
}
