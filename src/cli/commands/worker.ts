import type { Command } from 'commander';
import { closeWorkersWithin } from '../../batch/shutdown.ts';
import { createRenderChunkDeps } from '../../batch/workers/chunk-deps.ts';
import { startRenderWorker } from '../../batch/workers/render-worker.ts';
import { MissiveError } from '../../core/errors.ts';
import { batchDeps } from '../run-with-progress.ts';
import { openQueueRuntime } from '../runtime.ts';

interface WorkerOptions {
  concurrency?: string;
  shutdownTimeout: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run render workers for the shared REDIS_URL and database until SIGTERM/SIGINT')
    .option('--concurrency <n>', 'chunks rendered at once (default: MISSIVE_CONCURRENCY)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, wait this long for active chunks, then stop', '30000')
    .action(async (opts: WorkerOptions) => {
      if (!process.env.REDIS_URL) {
        throw new MissiveError(
          'MSV_CONFIG_INVALID',
          'missive worker needs REDIS_URL (and DATABASE_URL or the same data folder) shared with the command that plans runs',
        );
      }
      const rt = await openQueueRuntime();
      const deps = batchDeps(rt);
      const concurrency = opts.concurrency ? Number(opts.concurrency) : deps.concurrency;
      const worker = startRenderWorker(createRenderChunkDeps(deps.db, deps.blobs, deps.logger), {
        connection: rt.connect(),
        prefix: deps.queuePrefix,
        concurrency,
        sandbox: deps.sandbox,
      });
      await worker.waitUntilReady();
      process.stdout.write(`missive worker ready: concurrency ${concurrency}, pid ${process.pid}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      const graceful = await closeWorkersWithin([worker], Number(opts.shutdownTimeout));
      process.stdout.write(
        `missive worker stopped (${graceful ? 'gracefully' : 'deadline passed: active chunks left to other workers'})\n`,
      );
      await rt.close();
    });
}
