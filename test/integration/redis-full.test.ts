import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/batch/embedded-redis.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { connectRedis } from '../../src/batch/redis-connection.ts';
import { isMissiveError } from '../../src/core/errors.ts';
import { getRun } from '../../src/store/runs.ts';
import {
  createStatementRun,
  importBankCustomers,
  openTempStore,
  type TempStore,
  testBatchDeps,
} from '../support/stores.ts';

/**
 * RELIABILITY F1: a Redis that reaches maxmemory (noeviction) refuses writes. Planning then fails with
 * MSV_REDIS_FULL and a clear message, the run stays where it was, and once Redis has room the same
 * run completes with every customer exactly once: nothing lost, nothing twice.
 */
describe('a full Redis', () => {
  let temp: TempStore;
  let dir: string;
  let redis: EmbeddedRedis;

  beforeAll(async () => {
    temp = await openTempStore('redis-full');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-redis-full-'));
    redis = await startEmbeddedRedis({ bin: 'redis-server', dir, persist: false });
    await importBankCustomers(
      temp.store,
      path.join(import.meta.dirname, '..', 'fixtures', 'customers-bank-20.csv'),
    );
  });
  afterAll(async () => {
    await redis?.stop();
    await temp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to plan with MSV_REDIS_FULL, loses nothing, and completes once Redis has room', async () => {
    const run = await createStatementRun(temp.store);
    const admin = connectRedis(redis.url);
    const batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 3, concurrency: 2, redisUrl: redis.url });
    try {
      await admin.config('SET', 'maxmemory', '1'); // below what Redis already uses: every write refused
      const refused = await executeRun(batch.deps, run, undefined, { detach: true }).catch((e: unknown) => e);
      expect(isMissiveError(refused) && refused.code, String(refused)).toBe('MSV_REDIS_FULL');
      expect((refused as Error).message).toContain('Nothing was lost');
      expect((await getRun(temp.store.db, run.id))?.status).toBe('planning');

      await admin.config('SET', 'maxmemory', '0');
      const outcome = await executeRun(batch.deps, run);
      expect(outcome.status).toBe('completed');
      const rows = await temp.store.db
        .selectFrom('communications')
        .select(['customer_id'])
        .where('run_id', '=', run.id)
        .execute();
      expect(rows).toHaveLength(20);
      expect(new Set(rows.map((r) => r.customer_id)).size).toBe(20);
    } finally {
      await batch.close();
      await admin.quit();
    }
  });
});
