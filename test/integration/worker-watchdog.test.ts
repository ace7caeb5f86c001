import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/batch/embedded-redis.ts';
import { connectRedis } from '../../src/batch/redis-connection.ts';
import { type WatchedWorker, type WorkerRecreated, watchWorker } from '../../src/batch/worker-watchdog.ts';
import { createLogger } from '../../src/core/logger.ts';
import { waitFor } from '../support/worker-process.ts';

/**
 * RELIABILITY F3 against a private redis-server (append-only file) that these tests restart on
 * the same port, so not the shared one from global-setup.
 *
 * The hang: BullMQ 6.7 itself survives a plain restart (tried: an 8 s outage, the worker resumed).
 * The bug it fixed (taskforcesh/bullmq#4585) left the worker's blocking client in ioredis status
 * "reconnecting" forever — `disconnect(false)` called while it waits to retry clears its retry
 * timer — while the other connection came back and jobs piled up. We put the worker's blocking
 * client in exactly that state during the outage by making that same call, so the worker then
 * hangs the way the real bug does: no error, `isRunning()` true, nothing fetched.
 */
describe('worker watchdog across a Redis restart', () => {
  let dir: string;
  let redis: EmbeddedRedis;
  let port: number;
  const clients: Redis[] = [];
  const idleMs = 1_500;

  const client = () => {
    const c = connectRedis(redis.url);
    c.on('error', () => {}); // refused connections while Redis is down are expected here
    clients.push(c);
    return c;
  };

  const restartRedis = async (whileDown?: () => Promise<void>) => {
    await redis.stop();
    await whileDown?.();
    redis = await startEmbeddedRedis({ bin: 'redis-server', dir, port });
  };

  /** A worker under the watchdog on a queue of its own; `processed` counts finished jobs. */
  const watched = () => {
    const name = `wd-${randomUUID()}`;
    const connection = client();
    const logged: string[] = [];
    const recreated: WorkerRecreated[] = [];
    const processedBy: number[] = []; // which worker (1st, 2nd…) finished each job
    let workersMade = 0;
    const handle: WatchedWorker = watchWorker(
      () => {
        workersMade += 1;
        const made = workersMade;
        const w = new Worker(name, async () => void processedBy.push(made), { connection, prefix: 'wd' });
        w.on('error', () => {});
        return w;
      },
      {
        connection,
        prefix: 'wd',
        logger: createLogger('warn', 'test', { write: (line: string) => void logged.push(line) }),
        idleMs,
        checkMs: 200,
        closeMs: 1_000,
        onRecreate: (e) => void recreated.push(e),
      },
    );
    const queue = new Queue(name, { connection: client(), prefix: 'wd' });
    queue.on('error', () => {});
    const processedAtLeast = (n: number) =>
      waitFor(async () => (processedBy.length >= n ? true : undefined), 30_000, `${n} jobs processed`);
    const addJobs = (n: number) =>
      queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'job', data: { i } })));
    return { name, handle, queue, logged, recreated, processedAtLeast, addJobs, processedBy };
  };

  /** Leaves the worker's blocking client "reconnecting" with no retry timer (bullmq#4585). Redis must be down. */
  const parkBlockingClient = async (worker: Worker) => {
    const blocking = (await worker.getBackend().blockingClient) as unknown as Redis;
    await waitFor(async () => (blocking.status === 'reconnecting' ? true : undefined), 10_000, 'a retry');
    blocking.disconnect(false);
  };

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-watchdog-'));
    redis = await startEmbeddedRedis({ bin: 'redis-server', dir });
    port = Number(new URL(redis.url).port);
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('recreates a worker a restart left hanging, and every job completes', async () => {
    const t = watched();
    try {
      await t.addJobs(1);
      await t.processedAtLeast(1);
      const first = t.handle.current;
      await restartRedis(async () => void (await parkBlockingClient(first)));
      await t.addJobs(5);
      await t.processedAtLeast(6);

      expect(t.handle.recreations).toBe(1);
      expect(t.handle.current).not.toBe(first);
      expect(t.processedBy).toEqual([1, 2, 2, 2, 2, 2]); // the hanging worker took none of the new jobs
      expect(t.recreated[0]).toMatchObject({ queue: t.name, recreations: 1 });
      expect(t.recreated[0]!.waiting + t.recreated[0]!.prioritized).toBeGreaterThan(0);
      const warning = t.logged.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('worker recreated'));
      expect(warning).toMatchObject({
        msg: 'worker recreated after idling with jobs waiting',
        queue: t.name,
      });
      expect(await t.queue.getJobCounts('wait', 'active', 'completed')).toEqual({
        wait: 0,
        active: 0,
        completed: 6,
      });
    } finally {
      await t.handle.close();
      await t.queue.close();
    }
  }, 60_000);

  it('leaves a worker alone that comes back healthy from the restart', async () => {
    const t = watched();
    try {
      await t.addJobs(1);
      await t.processedAtLeast(1);
      const first = t.handle.current;
      await restartRedis(() => sleep(500));
      await t.addJobs(5);
      await t.processedAtLeast(6);
      await sleep(3 * idleMs); // room for a wrong recreation to happen
      expect(t.processedBy).toEqual([1, 1, 1, 1, 1, 1]);

      expect(t.handle.recreations).toBe(0);
      expect(t.handle.current).toBe(first);
      expect(t.logged.join('')).not.toContain('worker recreated');
    } finally {
      await t.handle.close();
      await t.queue.close();
    }
  }, 60_000);

  it('leaves a hanging worker alone while no job waits, and recreates it once jobs arrive', async () => {
    const t = watched();
    try {
      await t.addJobs(1);
      await t.processedAtLeast(1);
      const first = t.handle.current;
      await restartRedis(async () => void (await parkBlockingClient(first)));
      await sleep(3 * idleMs); // idle with nothing waiting: not a reason to recreate

      expect(t.handle.recreations).toBe(0);
      expect(t.handle.current).toBe(first);

      await t.addJobs(3);
      await t.processedAtLeast(4);
      expect(t.handle.recreations).toBe(1);
      expect(t.processedBy).toEqual([1, 2, 2, 2]);
    } finally {
      await t.handle.close();
      await t.queue.close();
    }
  }, 60_000);
});
