import { DelayedError, type Job, type Queue, Worker } from 'bullmq';
import { type DispatchDeps, dispatchablePages, dispatchCommunication } from '../../channels/index.ts';
import { settledWithin } from '../../core/abortable.ts';
import { type DiskFullWatch, isDiskFull } from '../../core/disk-full.ts';
import { throttled } from '../../core/log-throttle.ts';
import type { RunStatus } from '../../core/types.ts';
import { getCommunication, getRun, transitionCommunicationStatus } from '../../store/index.ts';
import {
  createDispatchQueue,
  DISPATCH_CHANNELS,
  DISPATCH_JOB_OPTIONS,
  DISPATCH_QUEUES,
  type DispatchChannel,
  type DispatchJob,
  lockOptions,
} from '../queues.ts';
import type { RedisClient } from '../redis-connection.ts';
import { repeatKeyOf } from '../redis-fault.ts';
import { type WatchedWorker, watchWorker } from '../worker-watchdog.ts';
import { inFlight } from './in-flight.ts';

/**
 * The dispatch stage of a run on BullMQ: one queue and one worker per channel, each with its own
 * rate limit (BullMQ's limiter, RELIABILITY F6). A job carries a communication id and is named by
 * its delivery key, and the ledger's compare-and-set makes a duplicate job harmless (RELIABILITY N1). A
 * temporary failure delays the job without spending an attempt; a provider's "slow down" (429,
 * 421/454) rate-limits the whole queue (manual rate limit), quiet hours delay only that message.
 */
export interface DispatchWorkerOptions {
  connect(): RedisClient;
  prefix: string;
  /** Jobs per second per channel. */
  rates: Record<DispatchChannel, number>;
  concurrency?: number;
  /** Delays before a communication is given up (failed, or left `unknown` for review). */
  maxTries?: number;
  /** BullMQ job lock (ms); default BullMQ's 30 s. */
  lockMs?: number | undefined;
  /** Recreate a worker when it idles this long after a Redis reconnect while sends wait (worker-watchdog.ts). */
  idleMs?: number | undefined;
  /** Told of a send that failed on a full disk: the run stops with one error, not one per send. */
  diskFull?: DiskFullWatch | undefined;
  /**
   * How long `close` waits for sends already handed to the provider (default 10 s): each one's
   * answer is journaled before the journal closes (RELIABILITY F7).
   */
  drainMs?: number | undefined;
}

export interface DispatchStage {
  /**
   * Adds a job for every not-final email/SMS communication of the run (the outbox relay, RELIABILITY N2).
   * `onlyNew`: skip those this stage has queued before (the relay that runs while a run renders).
   */
  enqueueRun(runId: string, options?: { onlyNew?: boolean }): Promise<number>;
  /**
   * After the queues drained: the run's sends still unsent (`pending`, `archived`, or `sending` left
   * by a job that threw mid-send) whose job has ended. A job that threw ends `failed`, and while it
   * is kept under the delivery key a re-add is a no-op, so the send would be stranded; it is
   * retried (completed ones too), and a missing job is added. Returns how many were queued again.
   */
  requeueStranded(runId: string): Promise<number>;
  /** Dispatch jobs waiting, delayed or active, on every channel. */
  pendingJobs(): Promise<number>;
  /** Resolves when no dispatch job is waiting, delayed or active. */
  drained(options?: { intervalMs?: number }): Promise<void>;
  close(): Promise<void>;
  /** The BullMQ workers, one per channel, each under the watchdog (for a deadline-bound shutdown). */
  workers: readonly WatchedWorker<Worker<DispatchJob>>[];
}

async function processJob(
  deps: DispatchDeps,
  worker: Worker<DispatchJob>,
  job: Job<DispatchJob>,
  token: string | undefined,
  maxTries: number,
  runStatus: (runId: string) => Promise<RunStatus | undefined>,
): Promise<string> {
  const status = job.data.runId ? await runStatus(job.data.runId) : undefined;
  if (status === 'cancelled') return 'cancelled'; // the document stays archived, unsent
  if (status === 'paused') {
    await job.moveToDelayed(Date.now() + PAUSED_RECHECK_MS, token);
    throw new DelayedError();
  }
  const outcome = await dispatchCommunication(deps, job.data.communicationId);
  if (outcome.retryAfterMs === undefined) return outcome.status;
  if (outcome.throttled && outcome.code !== 'MSV_CHANNEL_QUIET_HOURS') {
    await worker.rateLimit(outcome.retryAfterMs);
    throw Worker.RateLimitError();
  }
  const tries = (job.data.tries ?? 0) + 1;
  const comm = await getCommunication(deps.db, job.data.communicationId);
  if (tries > maxTries || (comm && comm.attempts >= maxTries && !outcome.throttled)) {
    await transitionCommunicationStatus(deps.db, job.data.communicationId, {
      from: ['archived', 'pending'],
      to: 'failed',
      reason: `gave up after ${tries} tries`,
      code: 'MSV_CHANNEL_TEMPORARY',
    });
    return 'gave-up';
  }
  await job.updateData({ ...job.data, tries });
  await job.moveToDelayed(Date.now() + outcome.retryAfterMs, token);
  throw new DelayedError();
}

/** A send of a paused run waits this long, then looks at the run again. */
const PAUSED_RECHECK_MS = 1_000;

/** The run's status, read at most once a second per run: pause and cancel reach the senders quickly. */
function cachedRunStatus(db: DispatchDeps['db']): (runId: string) => Promise<RunStatus | undefined> {
  const cache = new Map<string, { at: number; status: Promise<RunStatus | undefined> }>();
  return (runId) => {
    const hit = cache.get(runId);
    if (hit && Date.now() - hit.at < 1_000) return hit.status;
    const status = getRun(db, runId).then((r) => r?.status);
    cache.set(runId, { at: Date.now(), status });
    return status;
  };
}

export function startDispatchStage(deps: DispatchDeps, options: DispatchWorkerOptions): DispatchStage {
  const runStatus = cachedRunStatus(deps.db);
  /** Communications this stage has queued (ids only; a million-customer run holds ~50 MB at most). */
  const queued = new Set<string>();
  const channels = DISPATCH_CHANNELS.filter((c) => deps.channels[c]);
  const queues = new Map<DispatchChannel, Queue<DispatchJob>>(
    channels.map((c) => [c, createDispatchQueue(c, options.connect(), options.prefix)]),
  );
  const sends = inFlight();
  const workers = channels.map((channel) => {
    // One client per channel for its worker (re-used by a recreated one) and its watchdog.
    const connection = options.connect();
    const create = () => {
      const worker: Worker<DispatchJob> = new Worker<DispatchJob>(
        DISPATCH_QUEUES[channel],
        (job, token) => sends.track(processJob(deps, worker, job, token, options.maxTries ?? 8, runStatus)),
        {
          connection,
          prefix: options.prefix,
          concurrency: options.concurrency ?? 8,
          ...lockOptions(options.lockMs, 30_000),
          limiter: { max: Math.max(1, Math.round(options.rates[channel])), duration: 1_000 },
        },
      );
      const errors = throttled(deps.logger); // counted, not repeated (log-throttle.ts)
      worker.on('error', (err) =>
        errors.error(
          `dispatch-${channel}:${repeatKeyOf(err)}`,
          { err: err.message, channel },
          'dispatch worker error',
        ),
      );
      worker.on('failed', (job, err) => {
        if (err instanceof DelayedError || err.name === 'RateLimitError') return;
        if (options.diskFull?.report(err) || isDiskFull(err)) return;
        deps.logger.warn(
          { err: err.message, channel, communicationId: job?.data.communicationId },
          'send job failed: the end of the run queues it again',
        );
      });
      return worker;
    };
    return watchWorker(create, {
      connection,
      prefix: options.prefix,
      logger: deps.logger,
      idleMs: options.idleMs,
    });
  });
  const pendingJobs = async () => {
    const counts = await Promise.all(
      [...queues.values()].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
    );
    return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
  };
  return {
    workers,
    async enqueueRun(runId, { onlyNew = false } = {}) {
      let added = 0;
      for (const [channel, queue] of queues) {
        for await (const page of dispatchablePages(deps, runId, [channel], 500)) {
          const batch = onlyNew ? page.filter((c) => !queued.has(c.id)) : page;
          for (const c of batch) queued.add(c.id);
          if (batch.length === 0) continue;
          await queue.addBulk(
            batch.map((c) => ({
              name: 'send',
              data: { communicationId: c.id, runId },
              opts: { ...DISPATCH_JOB_OPTIONS, jobId: c.deliveryKey ?? c.id },
            })),
          );
          added += batch.length;
        }
      }
      return added;
    },
    async requeueStranded(runId) {
      let requeued = 0;
      for (const [channel, queue] of queues) {
        const stuck = dispatchablePages(deps, runId, [channel], 500, ['pending', 'archived', 'sending']);
        for await (const page of stuck) {
          for (const c of page) {
            const jobId = c.deliveryKey ?? c.id;
            const job = await queue.getJob(jobId);
            const state = job ? await job.getState() : 'unknown';
            if (job && (state === 'failed' || state === 'completed')) {
              await job.retry(state, { resetAttemptsMade: true });
            } else if (state === 'unknown') {
              await queue.add('send', { communicationId: c.id, runId }, { ...DISPATCH_JOB_OPTIONS, jobId });
            } else {
              continue; // waiting, delayed or active: it will run
            }
            requeued += 1;
          }
        }
      }
      return requeued;
    },
    pendingJobs,
    async drained({ intervalMs = 200 } = {}) {
      while ((await pendingJobs()) > 0) await new Promise((r) => setTimeout(r, intervalMs));
    },
    async close() {
      // Workers stop taking jobs; sends already with the provider finish (also after a forced close,
      // which does not wait for them) and write their answer to the journal before it closes. A
      // stop cut short here (a lost Redis, a full disk) then leaves no accepted send unrecorded.
      await Promise.allSettled([
        ...workers.map((w) => w.close()),
        settledWithin(sends.settled(), options.drainMs ?? 10_000),
      ]);
      // The stage owns its send journal; a send still out keeps it open (the next run reads it).
      if (sends.size() === 0) deps.journal?.close();
      else deps.logger.warn({ sends: sends.size() }, 'stopped with sends still waiting for the provider');
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
    },
  };
}
