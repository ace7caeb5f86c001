import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BatchDeps } from '../../src/batch/batch-deps.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { retryFailed } from '../../src/batch/run-control.ts';
import type { RunReport } from '../../src/batch/run-report.ts';
import type { RunRequest } from '../../src/batch/run-request.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL } from '../../src/cli/exit-codes.ts';
import { runExit, runFailureTally } from '../../src/cli/run-exit.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { countRunFailuresByCode, getRun, listRuns } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { testBatchDeps } from '../support/stores.ts';

/**
 * Issue 15 §6: a run in which every customer failed is never `completed`. It closes `failed` with its
 * report frozen, exits 1 and says why; retried once the data is there, it completes. A run with some
 * failures completes and exits 3 (or 0 within --max-failure-rate).
 */
describe.each(['sqlite', 'postgres'] as const)('a run where customers fail, on %s', (dialect) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-run-failed-'));
  const schema = `run_failed_${randomUUID().replaceAll('-', '')}`;
  let store: Store;
  let batch: ReturnType<typeof testBatchDeps>;
  let deps: BatchDeps;
  let templateId: string;
  const customers: Customer[] = [];
  const request = (asOf: string): RunRequest => ({
    communicationType: 'monthly-statement',
    templateVersionId: templateId,
    asOf,
    source: 'store:all',
  });

  beforeAll(async () => {
    const location: StoreLocation =
      dialect === 'sqlite'
        ? { sqlitePath: path.join(dir, 'missive.sqlite') }
        : { databaseUrl: inject('databaseUrl'), schema, poolSize: 4 };
    store = await openStoreAt(location);
    for (let i = 1; i <= 6; i += 1) {
      const id = `F${String(i).padStart(4, '0')}`;
      customers.push({ ...synthesizeIdentity(id), traits: { balance: i * 10, age: 30 + i } });
    }
    await upsertCustomers(store.db, customers);
    templateId = (await publishTemplatePackage(store.db, 'templates/monthly-statement')).id;
    batch = testBatchDeps(store, dir, { chunkSize: 4, concurrency: 2 });
    deps = batch.deps;
  });

  afterAll(async () => {
    await batch?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  it('every customer failed: `failed`, report frozen, exit 1 with the reasons; retried with the data, completed', async () => {
    const asOf = '2026-05-31';
    // The period's feeds are loaded, but hold nobody's account.
    await loadStatementFeeds(store.db, customers, asOf, { skip: new Set(customers.map((c) => c.id)) });
    const outcome = await executeRun(deps, request(asOf));
    expect(outcome.status).toBe('failed');
    expect(outcome.progress.byStatus).toEqual({ failed: 6 });
    const run = await getRun(store.db, outcome.runId);
    expect(run?.status).toBe('failed');
    expect(run?.finishedAt).not.toBeNull();
    const frozen = run!.report as RunReport;
    expect(frozen.status).toBe('failed');
    expect(frozen.reconciliation).toMatchObject({ customersIn: 6, customersAccounted: 6, balanced: true });
    expect(await countRunFailuresByCode(store.db, outcome.runId)).toEqual([
      { code: 'MSV_DATA_MISSING', count: 6, example: expect.stringMatching(/no rows in feed accounts/) },
    ]);
    expect((await listRuns(store.db, { status: 'failed' })).map((r) => r.id)).toContain(outcome.runId);

    const end = runExit(await runFailureTally(store.db, outcome), 1);
    expect(end.code).toBe(EXIT_FAILURE);
    expect(end.text).toContain(
      '0 documents made: every customer failed (6); the run is failed, not completed',
    );
    expect(end.text).toMatch(/ {2}6 × MSV_DATA_MISSING: .*no rows in feed accounts/);

    // Asked again, nothing new: it stays failed.
    const again = await executeRun(deps, request(asOf));
    expect(again).toMatchObject({ status: 'failed', didWork: false });

    // The corrected feeds replace the period; retry-failed re-opens the run and it completes.
    await loadStatementFeeds(store.db, customers, asOf);
    expect((await retryFailed(store.db, outcome.runId)).rerender).toBe(6);
    const retried = await executeRun(deps, request(asOf));
    expect(retried.status).toBe('completed');
    expect(retried.progress.byStatus).toEqual({ archived: 6 });
    expect(runExit(await runFailureTally(store.db, retried)).code).toBe(EXIT_OK);
    expect(((await getRun(store.db, outcome.runId))!.report as RunReport).status).toBe('completed');
  });

  it('some customers failed: `completed`, exit 3, or 0 within --max-failure-rate', async () => {
    const asOf = '2026-06-30';
    await loadStatementFeeds(store.db, customers, asOf, { skip: new Set([customers[0]!.id]) });
    const outcome = await executeRun(deps, request(asOf));
    expect(outcome.status).toBe('completed');
    expect(outcome.progress.byStatus).toEqual({ archived: 5, failed: 1 });
    const tally = await runFailureTally(store.db, outcome);
    expect(tally).toMatchObject({ total: 6, failed: 1, undelivered: 0, refusedAtInput: 0 });
    const strict = runExit(tally);
    expect(strict.code).toBe(EXIT_PARTIAL);
    expect(strict.text).toContain('1 customer(s) failed:');
    expect(strict.text).toContain(`see them all: missive runs failures ${outcome.runId}`);
    expect(runExit(tally, 0.2).code).toBe(EXIT_OK);
    expect(runExit(tally, 0.1).code).toBe(EXIT_PARTIAL);
  });
});
