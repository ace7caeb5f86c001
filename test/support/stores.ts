import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import type { BatchDeps } from '../../src/batch/batch-deps.ts';
import { connectRedis } from '../../src/batch/redis-connection.ts';
import { runIdFor } from '../../src/batch/run-request.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { importCustomers } from '../../src/customers/import.ts';
import { listCustomersAfter, upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { createRunIfAbsent, type RunRecord } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from './statement-feeds.ts';

/** Shared set-up of integration tests: a SQLite store in a temp folder, sample customers, batch deps. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SAMPLE_CUSTOMERS = path.join(ROOT, 'examples', 'customers-sample.csv');
export const BANK_MAPPING = path.join(ROOT, 'examples', 'bank-marketing', 'mapping.json');

export interface TempStore {
  dir: string;
  store: Store;
  close(): Promise<void>;
}

/** A temporary data folder with its SQLite store: empty, or a copy of `copyOf`. */
export async function openTempStore(prefix: string, copyOf?: string): Promise<TempStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `missive-${prefix}-`));
  // A copy of a data folder prepared once (its store closed, nothing left in a WAL file).
  if (copyOf) fs.cpSync(copyOf, dir, { recursive: true });
  const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
  return {
    dir,
    store,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Imports a bank-marketing file (the shipped sample by default) into the store; returns the customers. */
export async function importBankCustomers(store: Store, file = SAMPLE_CUSTOMERS): Promise<Customer[]> {
  const customers: Customer[] = [];
  await importCustomers({
    file,
    mapping: BANK_MAPPING,
    sink: async (batch) => {
      customers.push(...batch);
      return upsertCustomers(store.db, batch);
    },
  });
  return customers;
}

/** The tracking key of test runs (testBatchDeps). */
export const TEST_TRACKING_KEY = Buffer.from('tracking-key-of-the-test-runs-0123456789');

/** Batch deps on the test Redis with a queue prefix of their own; `close()` quits their clients. */
export function testBatchDeps(
  store: Store,
  dir: string,
  options: { chunkSize: number; concurrency: number; redisUrl?: string },
): { deps: BatchDeps; close(): Promise<void> } {
  const { redisUrl = inject('redisUrl'), ...sizes } = options;
  const clients: Redis[] = [];
  const deps: BatchDeps = {
    db: store.db,
    blobs: createFsBlobStore(path.join(dir, 'archive')),
    logger: createLogger('silent'),
    connect: () => {
      const client = connectRedis(redisUrl);
      clients.push(client);
      return client;
    },
    queuePrefix: `test-${randomUUID()}`,
    // Marketing e-mail and SMS get short tracked links under this base (a test serving them sets its own).
    tracking: { baseUrl: 'https://track.test', ttlDays: 180, key: () => TEST_TRACKING_KEY },
    ...sizes,
  };
  return { deps, close: async () => void (await Promise.allSettled(clients.map((c) => c.quit()))) };
}

/** Publishes the shipped monthly statement and creates (not plans) its run over every stored customer. */
/**
 * A monthly-statement run for 2026-10-31 over every stored customer, with the statement feeds of
 * that period loaded for them (idempotent: loading the same extracts again changes nothing).
 */
export async function createStatementRun(store: Store): Promise<RunRecord> {
  const customers = await listCustomersAfter(store.db, null, 1_000_000);
  await loadStatementFeeds(store.db, customers, '2026-10-31');
  const version = await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'monthly-statement'));
  const request = {
    communicationType: 'monthly-statement',
    templateVersionId: version.id,
    asOf: '2026-10-31',
    source: 'store:all' as const,
  };
  return (await createRunIfAbsent(store.db, { id: runIdFor(request), ...request })).run;
}
