import path from 'node:path';
import { FlowProducer } from 'bullmq';
import type { Command } from 'commander';
import {
  createRenderQueue,
  quiet,
  STAGE_QUEUES,
  type StageQueue,
  startBatchStages,
  startRunCoordinator,
} from '../../batch/heavy.ts';
import { closeChannels, createChannels } from '../../channels/heavy.ts';
import { settledWithin } from '../../core/abortable.ts';
import { MissiveError } from '../../core/errors.ts';
import { batchDeps } from '../run-with-progress.ts';
import { openQueueRuntime } from '../runtime.ts';

interface WorkerOptions {
  concurrency?: string;
  queues: string;
  shutdownTimeout: string;
}

const QUEUE_NAMES = STAGE_QUEUES;
type QueueName = StageQueue;

export function parseQueues(value: string): QueueName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0)
    throw new MissiveError(
      'MSV_CONFIG_INVALID',
      `--queues takes a comma-separated list of ${QUEUE_NAMES.join(', ')}; got "${value}"`,
      { field: '--queues' },
    );
  return [...new Set(names)] as QueueName[];
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run render and dispatch workers and the run coordinator for the shared REDIS_URL and database until SIGTERM/SIGINT',
    )
    .option('--concurrency <n>', 'chunks rendered at once (default: MISSIVE_CONCURRENCY)')
    .option('--queues <list>', 'which queues to work: render,email,sms', 'render,email,sms')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, wait this long for active jobs, then stop', '30000')
    .action(async (opts: WorkerOptions) => {
      if (!process.env.REDIS_URL) {
        throw new MissiveError(
          'MSV_CONFIG_INVALID',
          'missive worker needs REDIS_URL (and DATABASE_URL or the same data folder) shared with the command that plans runs',
        );
      }
      const queues = parseQueues(opts.queues);
      const rt = await openQueueRuntime();
      const deps = batchDeps(rt);
      const concurrency = opts.concurrency ? Number(opts.concurrency) : deps.concurrency;
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new MissiveError(
          'MSV_CONFIG_INVALID',
          `--concurrency must be a positive integer, got "${opts.concurrency}"`,
          { field: '--concurrency' },
        );
      // Only the channels this process may send on: configured, and asked for with --queues.
      const allChannels = createChannels(rt.config.channels);
      const stages = startBatchStages(
        { ...deps, channels: allChannels },
        {
          queues,
          limits: rt.config.renderLimits,
          concurrency,
          printStreamsDir: path.join(rt.config.dataDir, 'print-streams'),
        },
      );
      const renderQueue = createRenderQueue(rt.connect(), deps.queuePrefix);
      const flow = quiet(new FlowProducer({ connection: rt.connect(), prefix: deps.queuePrefix }));
      const coordinator = startRunCoordinator({
        ...deps,
        chunks: stages.chunks,
        renderQueue,
        dispatch: stages.dispatch,
        flow,
      });
      await stages.waitUntilReady();
      process.stdout.write(
        `missive worker ready: queues ${[...(queues.includes('render') ? ['render'] : []), ...stages.channels].join(',')}, concurrency ${concurrency}, pid ${process.pid}\n`,
      );
      const shutdownMs = Number(opts.shutdownTimeout);
      const why = await new Promise<'signal' | 'redis-lost'>((resolve) => {
        process.once('SIGTERM', () => resolve('signal'));
        process.once('SIGINT', () => resolve('signal'));
        rt.lost.addEventListener('abort', () => resolve('redis-lost'), { once: true }); // or a full disk
      });
      // Stops within its deadline whether or not Redis answers: past it (plus closing time), exit anyway.
      const lost = why === 'redis-lost';
      exitAfter(lost ? 8_000 : shutdownMs + 10_000, lost ? 1 : 0);
      await settledWithin(coordinator.close(), 5_000);
      const graceful = await stages.close({
        deadlineMs: lost ? 1_000 : shutdownMs,
        queuesMs: lost ? 1_000 : 5_000,
      });
      process.stdout.write(
        `missive worker stopped (${lost ? (rt.lost.reason?.code ?? 'Redis lost') : graceful ? 'gracefully' : 'deadline passed: active jobs left to other workers'})\n`,
      );
      await settledWithin(
        Promise.allSettled([renderQueue.close(), flow.close(), closeChannels(allChannels)]),
        5_000,
      );
      await settledWithin(rt.close(), 5_000);
      if (lost) throw rt.lost.reason;
    });
}

/** Ends the process after `ms` if it is still alive then (the timer itself keeps nothing alive). */
function exitAfter(ms: number, code: number): void {
  setTimeout(() => {
    process.stderr.write(`missive worker: did not stop within ${ms} ms; exiting\n`);
    process.exit(code);
  }, ms).unref();
}
