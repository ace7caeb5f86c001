import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { type DiskFullWatch, isDiskFull } from '../../core/disk-full.ts';
import { throttled } from '../../core/log-throttle.ts';
import { getRun } from '../../store/index.ts';
import { lockOptions, RENDER_QUEUE, type RenderChunkJob } from '../queues.ts';
import type { RedisClient } from '../redis-connection.ts';
import { repeatKeyOf } from '../redis-fault.ts';
import { type WatchedWorker, watchWorker } from '../worker-watchdog.ts';
import {
  type ChunkOutcome,
  processRenderChunk,
  type RenderChunkDeps,
  recordCustomerFailure,
} from './render-chunk.ts';
import { type SandboxLocation, sandboxEnvironment } from './render-sandbox.ts';
import { sandboxExecArgv } from './sandbox-fork.ts';

export interface RenderWorkerOptions {
  connection: RedisClient;
  prefix: string;
  /** Chunks processed at once: child processes when sandboxed, else async slots in this process. */
  concurrency: number;
  /** Render in BullMQ sandboxed child processes (one core each); without it, in this process. */
  sandbox?: SandboxLocation | undefined;
  /** BullMQ job lock (ms); default 120 s (a chunk of long PDFs must not look stalled). */
  lockMs?: number | undefined;
  /** Recreate the worker when it idles this long after a Redis reconnect while chunks wait (worker-watchdog.ts). */
  idleMs?: number | undefined;
  /** Told of a chunk that failed on a full disk (the run stops; the chunk fails no customer). */
  diskFull?: DiskFullWatch | undefined;
}

const SANDBOX_PROCESSOR = fileURLToPath(new URL('./render-sandbox.mjs', import.meta.url));

/**
 * Consumes chunk jobs. A chunk whose job fails for good (every attempt spent, e.g. the database was
 * unreachable) still ends each of its customers in `failed`, so the run's counts always add up.
 * The worker runs under the watchdog: one left idle by a Redis reconnect is replaced (RELIABILITY F3).
 */
export function startRenderWorker(
  deps: RenderChunkDeps,
  options: RenderWorkerOptions,
): WatchedWorker<Worker<RenderChunkJob, ChunkOutcome>> {
  return watchWorker(() => createRenderWorker(deps, options), {
    connection: options.connection,
    prefix: options.prefix,
    logger: deps.logger,
    idleMs: options.idleMs,
  });
}

function createRenderWorker(
  deps: RenderChunkDeps,
  options: RenderWorkerOptions,
): Worker<RenderChunkJob, ChunkOutcome> {
  const common = {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    ...lockOptions(options.lockMs, 120_000),
  };
  const worker = options.sandbox
    ? new Worker<RenderChunkJob, ChunkOutcome>(RENDER_QUEUE, SANDBOX_PROCESSOR, {
        ...common,
        workerForkOptions: {
          env: { ...process.env, ...sandboxEnvironment(options.sandbox) },
          // The orphan guard, preloaded: a child is gone within a second of this process, whatever it does.
          execArgv: sandboxExecArgv(),
        },
      })
    : new Worker<RenderChunkJob, ChunkOutcome>(
        RENDER_QUEUE,
        (job) => processRenderChunk(deps, job.data),
        common,
      );
  worker.on('failed', (job, err) => {
    if (options.diskFull?.report(err) || isDiskFull(err)) return; // left to the next run, not failed
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    void failWholeChunk(deps, job.data, err);
  });
  // Counted, not repeated: a dead Redis fails every reconnect (log-throttle.ts).
  const errors = throttled(deps.logger);
  worker.on('error', (err) =>
    errors.error(`render:${repeatKeyOf(err)}`, { err: err.message }, 'render worker error'),
  );
  return worker;
}

async function failWholeChunk(deps: RenderChunkDeps, job: RenderChunkJob, err: unknown): Promise<void> {
  try {
    const run = await getRun(deps.db, job.runId);
    for (const customerId of job.customerIds) {
      await recordCustomerFailure(deps, job.runId, customerId, run?.templateVersionId ?? '', 'render', err);
    }
  } catch (recordErr) {
    deps.logger.error(
      { runId: job.runId, chunk: job.chunk, err: (recordErr as Error).message },
      'could not record chunk failure',
    );
  }
}
