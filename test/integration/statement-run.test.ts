import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import type { BatchDeps } from '../../src/batch/batch-deps.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import type { RunRequest } from '../../src/batch/run-request.ts';
import { sha256Hex } from '../../src/core/hash.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { listCommunicationsForRun, listRunFailures } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, type TempStore, testBatchDeps } from '../support/stores.ts';

/** The first end-to-end slice: customers in the store → BullMQ chunks → PDFs archived + ledger rows. */
describe('a statement run through BullMQ on real Redis', () => {
  let dir: string;
  let store: Store;
  let deps: BatchDeps;
  let request: RunRequest;
  let temp: TempStore;
  let batch: ReturnType<typeof testBatchDeps>;
  const customers: Customer[] = [];

  beforeAll(async () => {
    temp = await openTempStore('run');
    ({ dir, store } = temp);
    for (let i = 1; i <= 24; i += 1) {
      const id = `T${String(i).padStart(4, '0')}`;
      customers.push({ ...synthesizeIdentity(id), traits: { balance: i * 137.5, age: 20 + i } });
    }
    // A name with a character no font of the statement can draw: this customer must fail alone.
    customers[5] = { ...customers[5]!, name: 'Glyph \u{1F47E} Missing' };
    await upsertCustomers(store.db, customers);
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    const template = await publishTemplatePackage(store.db, 'templates/monthly-statement');
    batch = testBatchDeps(store, dir, { chunkSize: 5, concurrency: 2 });
    deps = batch.deps;
    request = {
      communicationType: 'monthly-statement',
      templateVersionId: template.id,
      asOf: '2026-10-31',
      source: 'store:all',
    };
  });

  afterAll(async () => {
    await batch.close();
    await temp.close();
  });

  it('gives every customer exactly one ledger row: archived with a verified PDF, or failed with a reason', async () => {
    const outcome = await executeRun(deps, request);
    expect(outcome.didWork).toBe(true);
    expect(outcome.chunks).toBe(5);
    expect(outcome.progress.total).toBe(24);
    const rows = await listCommunicationsForRun(store.db, outcome.runId);
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => r.customerId)).size).toBe(24);
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.customerId)).toEqual([customers[5]!.id]);
    expect(failed[0]!.reason).toMatch(/U\+1F47E/);
    const failures = await listRunFailures(store.db, outcome.runId);
    expect(failures).toHaveLength(1);
    for (const row of rows.filter((r) => r.status === 'archived')) {
      const bytes = fs.readFileSync(deps.blobs.locate(row.artifactSha256!));
      expect(sha256Hex(bytes)).toBe(row.artifactSha256);
      expect(bytes.byteLength).toBe(row.artifactSize);
      expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
      expect(row.pages).toBeGreaterThanOrEqual(1);
    }
    expect((await getRun(store.db, outcome.runId))?.status).toBe('completed');
  });

  it('adds nothing when the same run is asked for again', async () => {
    const before = await listCommunicationsForRun(store.db, (await executeRun(deps, request)).runId);
    const again = await executeRun(deps, request);
    expect(again.didWork).toBe(false);
    const after = await listCommunicationsForRun(store.db, again.runId);
    expect(after).toEqual(before);
  });

  it('renders the same bytes for the same customer, as-of date and template version', async () => {
    const other = { ...request, asOf: '2026-09-30' };
    await loadStatementFeeds(store.db, customers, other.asOf);
    const first = await executeRun(deps, other);
    const rows = await listCommunicationsForRun(store.db, first.runId);
    const original = await listCommunicationsForRun(store.db, (await executeRun(deps, request)).runId);
    // Different statement date, different documents …
    expect(rows[0]!.artifactSha256).not.toBe(original[0]!.artifactSha256);
    // … and re-rendering the September run in a fresh store gives identical bytes.
    const fresh = await openStoreAt({ sqlitePath: path.join(dir, 'fresh.sqlite') });
    try {
      await upsertCustomers(fresh.db, customers);
      await loadStatementFeeds(fresh.db, customers, other.asOf);
      const template = await publishTemplatePackage(fresh.db, 'templates/monthly-statement');
      expect(template.id).toBe(request.templateVersionId);
      const replay = await executeRun({ ...deps, db: fresh.db, queuePrefix: `test-${randomUUID()}` }, other);
      const replayRows = await listCommunicationsForRun(fresh.db, replay.runId);
      expect(replayRows.map((r) => r.artifactSha256)).toEqual(rows.map((r) => r.artifactSha256));
    } finally {
      await fresh.close();
    }
  });
  it('renders in sandboxed child processes, one per core, with the same bytes as in-process', async () => {
    const inProcess = await listCommunicationsForRun(store.db, (await executeRun(deps, request)).runId);
    const sqlitePath = path.join(dir, 'sandboxed.sqlite');
    const sandboxed = await openStoreAt({ sqlitePath });
    try {
      await upsertCustomers(sandboxed.db, customers);
      await loadStatementFeeds(sandboxed.db, customers, request.asOf);
      await publishTemplatePackage(sandboxed.db, 'templates/monthly-statement');
      const outcome = await executeRun(
        {
          ...deps,
          db: sandboxed.db,
          // The run's process and its children share one archive, as the CLI gives them (batchDeps):
          // the brand version pinned when the run is planned is a blob the children read.
          blobs: createFsBlobStore(path.join(dir, 'sandboxed-archive')),
          queuePrefix: `test-${randomUUID()}`,
          sandbox: {
            store: { sqlitePath },
            archiveDir: path.join(dir, 'sandboxed-archive'),
            logLevel: 'silent',
          },
        },
        request,
      );
      const rows = await listCommunicationsForRun(sandboxed.db, outcome.runId);
      expect(rows.map((r) => [r.customerId, r.status, r.artifactSha256])).toEqual(
        inProcess.map((r) => [r.customerId, r.status, r.artifactSha256]),
      );
      const archived = rows.find((r) => r.status === 'archived')!;
      expect(
        fs.existsSync(path.join(dir, 'sandboxed-archive', 'sha256', archived.artifactSha256!.slice(0, 2))),
      ).toBe(true);
    } finally {
      await sandboxed.close();
    }
  });
});
