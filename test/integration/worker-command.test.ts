import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planAndStart } from '../../src/batch/plan-and-start.ts';
import { createRenderQueue } from '../../src/batch/queues.ts';
import { connectRedis } from '../../src/batch/redis-connection.ts';
import { runIdFor } from '../../src/batch/run-request.ts';
import { waitForRun } from '../../src/batch/watch-run.ts';
import { createLogger } from '../../src/core/logger.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

/** `missive worker` as its own process: it renders chunks another process planned, and stops on SIGTERM. */
describe('missive worker', () => {
  let dataDir: string;
  let store: Store;
  let worker: ChildProcess;
  let output = '';
  const prefix = `test-${randomUUID()}`;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-worker-'));
    store = await openStoreAt({ sqlitePath: path.join(dataDir, 'missive.sqlite') });
    worker = spawn('node', [path.join(root, 'bin', 'missive.js'), 'worker', '--shutdown-timeout', '10000'], {
      env: {
        ...process.env,
        REDIS_URL: inject('redisUrl'),
        MISSIVE_DATA_DIR: dataDir,
        MISSIVE_QUEUE_PREFIX: prefix,
        MISSIVE_RENDER_SANDBOX: 'off',
        MISSIVE_LOG_LEVEL: 'silent',
      },
    });
    worker.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    worker.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    for (let i = 0; i < 200 && !output.includes('ready'); i += 1) await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(async () => {
    worker.kill('SIGKILL');
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the chunks of a run planned elsewhere', async () => {
    expect(output).toContain('missive worker ready');
    const customers = Array.from({ length: 12 }, (_, i) => ({
      ...synthesizeIdentity(`W${i}`),
      traits: { balance: 100 },
    }));
    await upsertCustomers(store.db, customers);
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    const template = await publishTemplatePackage(
      store.db,
      path.join(root, 'templates', 'monthly-statement'),
    );
    const request = {
      communicationType: template.name,
      templateVersionId: template.id,
      asOf: '2026-10-31',
      source: 'store:all' as const,
    };
    const runId = runIdFor(request);
    const { run } = await createRunIfAbsent(store.db, { id: runId, ...request });
    const connection = connectRedis(inject('redisUrl'));
    const queue = createRenderQueue(connection, prefix);
    try {
      // Planned as `missive run --detach` plans: the data source checked and fixed, then the chunks.
      const deps = { db: store.db, logger: createLogger('silent'), chunkSize: 5 };
      const plan = await planAndStart(deps, queue, run);
      expect(plan).toEqual({ customers: 12, chunks: 3 });
      const progress = await waitForRun(store.db, runId, 12);
      // The worker's flow parent may have made the run's print files already (one transaction moves
      // every letter to in_print_file, issue 19's print lifecycle).
      expect(progress.byStatus).toEqual(
        progress.byStatus.in_print_file ? { in_print_file: 12 } : { archived: 12 },
      );
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('stops gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('missive worker stopped (gracefully)');
  });
});
