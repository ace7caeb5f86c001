import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRenderQueue } from '../../src/batch/queues.ts';
import { connectRedis } from '../../src/batch/redis-connection.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { getRun } from '../../src/store/runs.ts';
import { createStatementRun, openTempStore, type TempStore } from '../support/stores.ts';
import { spawnWorker, type WorkerProcess, waitFor } from '../support/worker-process.ts';

/**
 * RELIABILITY F4: SIGTERM with chunks in flight. The worker finishes its active chunks and exits
 * within the deadline, leaving no job active (none to stall); another worker finishes the run.
 */
describe('missive worker on SIGTERM with jobs in flight', () => {
  let temp: TempStore;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const prefix = `test-${randomUUID()}`;
  const total = 150;

  beforeAll(async () => {
    temp = await openTempStore('worker-sigterm');
    await upsertCustomers(
      temp.store.db,
      Array.from({ length: total }, (_, i) => ({ ...synthesizeIdentity(`S${i}`), traits: { balance: i } })),
    );
    env = {
      REDIS_URL: inject('redisUrl'),
      MISSIVE_DATA_DIR: temp.dir,
      MISSIVE_QUEUE_PREFIX: prefix,
      MISSIVE_CHUNK_SIZE: '5',
    };
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await temp?.close();
  });

  it('finishes its active chunks, exits 0 before the deadline, and leaves nothing active', async () => {
    const run = await createStatementRun(temp.store);
    const first = spawnWorker(env, ['--concurrency', '3', '--shutdown-timeout', '20000']);
    workers.push(first);
    await first.ready;
    const connection = connectRedis(inject('redisUrl'));
    const queue = createRenderQueue(connection, prefix);
    try {
      const activeAtSigterm = await waitFor(
        async () => {
          const active = await queue.getActiveCount();
          return active > 0 ? active : undefined;
        },
        20_000,
        'chunks in flight',
      );
      expect(activeAtSigterm).toBeGreaterThan(0);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('missive worker stopped (gracefully)');
      expect(await queue.getActiveCount()).toBe(0);
      const rowsAfterStop = await temp.store.db
        .selectFrom('communications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(rowsAfterStop.n) % 5).toBe(0); // whole chunks only: none was cut short

      const second = spawnWorker(env);
      workers.push(second);
      await second.ready;
      const done = await waitFor(
        async () => {
          const r = await getRun(temp.store.db, run.id);
          return r?.status === 'completed' ? r : undefined;
        },
        40_000,
        'the run to complete',
      );
      expect(done.customersTotal).toBe(total);
      const rows = await temp.store.db
        .selectFrom('communications')
        .select('customer_id')
        .where('run_id', '=', run.id)
        .execute();
      expect(new Set(rows.map((r) => r.customer_id)).size).toBe(total);
      expect(rows.length).toBe(total);
    } finally {
      await queue.close();
      await connection.quit();
    }
  }, 60_000);
});
