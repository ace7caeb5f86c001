import { Queue, type Worker } from 'bullmq';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { duplicateClient, type RedisClient } from './redis-connection.ts';

/**
 * RELIABILITY F3: a BullMQ worker can come back from a Redis reconnect with its fetch loop hanging
 * (the blocking connection never serves it again) while jobs pile up in its queue
 * (taskforcesh/bullmq#648, #2466, #2964, #4585). BullMQ relies on ioredis to reconnect and leaves
 * the rest to the application; its maintainer's advice (#3185) is to close such a worker and create
 * a new one. `watchWorker` does that: it wraps a worker factory, watches the worker's jobs and
 * connections, and recreates the worker when `shouldRecreateWorker` says it is stuck.
 */

/** What the watchdog knows at one check; times are ms since the epoch. */
export interface IdleObservation {
  /** Last job this worker started ('active'), or when it was created. */
  lastStartedAt: number;
  /** Last sign of work: a job started, completed or failed, or the worker's creation. */
  lastActivityAt: number;
  /** Last time one of the worker's Redis connections was ready again after dropping; never: undefined. */
  lastReconnectAt: number | undefined;
  /** Jobs in the queue's wait and prioritized lists, ready for any worker to take. */
  waiting: number;
  /** Jobs this worker is processing now. */
  busy: number;
  now: number;
  idleMs: number;
}

/**
 * Recreate when the worker reconnected and has started nothing since, holds no job, and jobs have
 * been waiting through `idleMs` of its idleness: the signature of a fetch loop a reconnect left
 * hanging. A worker that started a job after its reconnect is alive; one that never reconnected is
 * BullMQ's business; a busy one is not idle.
 */
export function shouldRecreateWorker(o: IdleObservation): boolean {
  if (o.lastReconnectAt === undefined) return false;
  if (o.lastStartedAt >= o.lastReconnectAt) return false;
  if (o.busy > 0 || o.waiting === 0) return false;
  return o.now - Math.max(o.lastActivityAt, o.lastReconnectAt) >= o.idleMs;
}

export const DEFAULT_WORKER_IDLE_MS = 30_000;

export interface WorkerWatchdogOptions {
  /** A client of the worker's Redis; the watchdog counts waiting jobs on a duplicate of it, opened only when needed. */
  connection: RedisClient;
  prefix: string;
  logger: Logger;
  /** How long a reconnected worker may start nothing while jobs wait (default 30 s). */
  idleMs?: number | undefined;
  /** How often to look (default a third of `idleMs`, at most 5 s). */
  checkMs?: number | undefined;
  /** How long to wait for a stuck worker's force-close before leaving it behind (default 5 s). */
  closeMs?: number | undefined;
  onRecreate?: ((event: WorkerRecreated) => void) | undefined;
}

export interface WorkerRecreated {
  queue: string;
  waiting: number;
  prioritized: number;
  idleForMs: number;
  /** Recreations of this worker so far, this one included. */
  recreations: number;
}

/** Stands in for the worker: callers close it and read the worker in charge now from `current`. */
export interface WatchedWorker<W extends Worker = Worker> {
  readonly name: string;
  /** The worker in charge now (a new one after each recreation). */
  readonly current: W;
  readonly recreations: number;
  waitUntilReady(): Promise<void>;
  /** Stops watching and closes the worker in charge (`force`: without waiting for active jobs). */
  close(force?: boolean): Promise<void>;
}

interface Tracking {
  lastStartedAt: number;
  lastActivityAt: number;
  lastReconnectAt: number | undefined;
}

/**
 * Runs `create()` now and again whenever the worker it made is stuck after a reconnect. Listeners a
 * caller needs on every worker belong inside `create`. The check costs nothing until a reconnect:
 * only then does it ask Redis how many jobs wait.
 */
export function watchWorker<W extends Worker>(
  create: () => W,
  options: WorkerWatchdogOptions,
): WatchedWorker<W> {
  const idleMs = options.idleMs ?? DEFAULT_WORKER_IDLE_MS;
  const checkMs = options.checkMs ?? Math.max(100, Math.min(5_000, Math.floor(idleMs / 3)));
  const closeMs = options.closeMs ?? 5_000;
  let current = create();
  let tracking = track(current);
  let recreations = 0;
  let closing = false;
  let checking = false;
  let recreating: Promise<void> | undefined;
  let counter: { queue: Queue; client: RedisClient } | undefined;
  const queueName = current.name;

  const waitingCounts = async () => {
    if (!counter) {
      const client = duplicateClient(options.connection);
      const queue = new Queue(queueName, { connection: client, prefix: options.prefix });
      queue.on('error', () => {}); // the worker reports connection errors already; a failed count is logged below
      counter = { client, queue };
    }
    const counts = await counter.queue.getJobCounts('wait', 'prioritized');
    return { waiting: counts.wait ?? 0, prioritized: counts.prioritized ?? 0 };
  };

  const recreate = async (counts: { waiting: number; prioritized: number }, idleForMs: number) => {
    const stuck = current;
    // Force: it holds no job (a job that slipped in meanwhile goes back through BullMQ's stalled
    // check), and a graceful close would wait on the very connection that hangs.
    if (!(await settleWithin(stuck.close(true), closeMs)))
      options.logger.warn({ queue: queueName }, 'stuck worker did not close in time; left behind');
    if (closing) return;
    current = create();
    tracking = track(current);
    recreations += 1;
    const event = { queue: queueName, ...counts, idleForMs, recreations };
    options.logger.warn(event, 'worker recreated after idling with jobs waiting');
    options.onRecreate?.(event);
  };

  const check = async () => {
    if (checking || closing || recreating) return;
    const t = tracking;
    if (t.lastReconnectAt === undefined || t.lastStartedAt >= t.lastReconnectAt) return; // no Redis call
    checking = true;
    try {
      const counts = await waitingCounts();
      const now = Date.now();
      const observation = {
        ...t,
        waiting: counts.waiting + counts.prioritized,
        busy: jobsInHand(current),
        now,
        idleMs,
      };
      if (closing || t !== tracking || !shouldRecreateWorker(observation)) return;
      recreating = recreate(counts, now - Math.max(t.lastActivityAt, t.lastReconnectAt));
      await recreating;
    } catch (err) {
      // A count cut off by close() is no news; otherwise the next check tries again.
      if (!closing)
        options.logger.warn({ queue: queueName, err: errorMessage(err) }, 'worker watchdog check failed');
    } finally {
      recreating = undefined;
      checking = false;
    }
  };

  const timer = setInterval(() => void check(), checkMs);
  timer.unref();

  return {
    name: queueName,
    get current() {
      return current;
    },
    get recreations() {
      return recreations;
    },
    waitUntilReady: () => current.waitUntilReady(),
    async close(force) {
      closing = true;
      clearInterval(timer);
      if (recreating) await recreating.catch(() => {});
      const closed = current.close(force);
      const c = counter;
      counter = undefined;
      if (c) {
        // disconnect, not quit: a check stuck on a dead Redis must not hold the shutdown.
        await c.queue.close().catch(() => {});
        c.client.disconnect();
      }
      await closed;
    },
  };
}

/** Follows a worker's jobs and connections; a fresh object per worker, so a replaced one cannot touch it. */
function track(worker: Worker): Tracking {
  const now = Date.now();
  const t: Tracking = { lastStartedAt: now, lastActivityAt: now, lastReconnectAt: undefined };
  worker.on('active', () => {
    t.lastStartedAt = Date.now();
    t.lastActivityAt = t.lastStartedAt;
  });
  const finished = () => {
    t.lastActivityAt = Date.now();
  };
  worker.on('completed', finished);
  worker.on('failed', finished);
  // Both connections: after an outage the blocking one may never be ready again (bullmq#4585), the
  // other one is; either coming back marks the reconnect. Its first 'ready' is the initial connect.
  const backend = worker.getBackend();
  for (const connection of [backend.connection, backend.blockingConnection]) {
    let dropped = false;
    connection?.on('close', () => {
      dropped = true;
    });
    connection?.on('ready', () => {
      if (!dropped) return;
      dropped = false;
      t.lastReconnectAt = Date.now();
    });
  }
  return t;
}

/**
 * Jobs the worker is processing now. BullMQ has no public count of them; its lock manager (a
 * protected field) tracks exactly these jobs to renew their locks. Without one (another BullMQ
 * version) the worker counts as holding none, which at worst recreates a busy worker: its jobs
 * then go back to the queue through BullMQ's stalled-job check and the ledger keeps that safe.
 */
function jobsInHand(worker: Worker): number {
  const internals = worker as unknown as { lockManager?: { getActiveJobCount?: () => number } };
  return internals.lockManager?.getActiveJobCount?.() ?? 0;
}

/**
 * Waits for `work`, but no longer than `ms` (a worker whose force-close hangs must not stall the
 * watchdog); true when it settled in time.
 */
async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
