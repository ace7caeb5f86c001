import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BatchDeps } from '../../src/batch/batch-deps.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { formatRunReport } from '../../src/batch/format-run-report.ts';
import { createRenderQueue } from '../../src/batch/queues.ts';
import { cancelRun, pauseRun, resumeRun, retryFailed } from '../../src/batch/run-control.ts';
import { buildRunReport, type RunReport } from '../../src/batch/run-report.ts';
import { type RunRequest, runIdFor } from '../../src/batch/run-request.ts';
import { createRenderChunkDeps } from '../../src/batch/workers/chunk-deps.ts';
import { startRenderWorker } from '../../src/batch/workers/render-worker.ts';
import { isMissiveError } from '../../src/core/errors.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { listRunFailures } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { testBatchDeps } from '../support/stores.ts';

/** Ledger rows of the run per customer: exactly one each is the promise. */
async function rowsPerCustomer(store: Store, runId: string): Promise<Map<string, number>> {
  const rows = await store.db
    .selectFrom('communications')
    .select('customer_id')
    .where('run_id', '=', runId)
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.customer_id, (counts.get(r.customer_id) ?? 0) + 1);
  return counts;
}

/** Render workers on the run's queue until every chunk job is finished. */
async function drainRenderQueue(deps: BatchDeps): Promise<void> {
  const queue = createRenderQueue(deps.connect(), deps.queuePrefix);
  const worker = startRenderWorker(createRenderChunkDeps(deps.db, deps.blobs, deps.logger), {
    connection: deps.connect(),
    prefix: deps.queuePrefix,
    concurrency: 2,
  });
  try {
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(c).every((n) => n === 0)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await worker.close();
    await queue.close();
  }
}

describe.each(['sqlite', 'postgres'] as const)('run control on %s', (dialect) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-run-control-'));
  const schema = `run_control_${randomUUID().replaceAll('-', '')}`;
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
    for (let i = 1; i <= 12; i += 1) {
      const id = `R${String(i).padStart(4, '0')}`;
      customers.push({ ...synthesizeIdentity(id), traits: { balance: i * 10, age: 30 + i } });
    }
    await upsertCustomers(store.db, customers);
    for (const asOf of ['2026-01-31', '2026-02-28', '2026-03-31']) {
      await loadStatementFeeds(store.db, customers, asOf);
    }
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

  it('detach plans and returns; a paused run is not processed; resume re-plans and finishes it once', async () => {
    const detached = await executeRun(deps, request('2026-01-31'), undefined, { detach: true });
    expect(detached.status).toBe('running');
    expect(detached.chunks).toBe(3);
    const runId = detached.runId;
    expect((await pauseRun(store.db, runId)).status).toBe('paused');
    // Workers take the planned chunks and see the pause before the first customer.
    await drainRenderQueue(deps);
    expect((await rowsPerCustomer(store, runId)).size).toBe(0);
    // `missive run` leaves a paused run alone.
    const stillPaused = await executeRun(deps, request('2026-01-31'));
    expect(stillPaused).toMatchObject({ status: 'paused', didWork: false });

    const resumed = await resumeRun(store.db, runId);
    expect(resumed).toMatchObject({ status: 'planning', generation: 1 });
    const done = await executeRun(deps, request('2026-01-31'));
    expect(done.status).toBe('completed');
    const rows = await rowsPerCustomer(store, runId);
    expect(rows.size).toBe(12);
    expect([...rows.values()].every((n) => n === 1)).toBe(true);
    expect((await getRun(store.db, runId))?.status).toBe('completed');
  });

  it('cancel: nothing left is processed and the run ends cancelled; a finished run cannot be cancelled', async () => {
    const { runId } = await executeRun(deps, request('2026-02-28'), undefined, { detach: true });
    expect((await cancelRun(store.db, runId)).status).toBe('cancelled');
    await drainRenderQueue(deps);
    expect((await rowsPerCustomer(store, runId)).size).toBe(0);
    expect(await executeRun(deps, request('2026-02-28'))).toMatchObject({
      status: 'cancelled',
      didWork: false,
    });
    const error = await cancelRun(store.db, runId).catch((e: unknown) => e);
    expect(isMissiveError(error) && error.code).toBe('MSV_RUN_STATE');
    await expect(resumeRun(store.db, runId)).rejects.toThrow(/cannot resume/);
    // Honest counts: nobody processed, and that is not a reconciliation problem for a cancelled run.
    const report = await buildRunReport(store.db, runId);
    expect(report.reconciliation).toMatchObject({
      customersIn: 12,
      customersAccounted: 0,
      customersNotProcessed: 12,
      balanced: true,
    });
  });

  it('retry-failed re-runs only the failed customer and replaces its failed row', async () => {
    // A name no font of the statement can draw: this customer fails at render.
    const broken = { ...customers[2]!, name: 'Glyph \u{1F47E} Missing' };
    await upsertCustomers(store.db, [broken]);
    const first = await executeRun(deps, request('2026-03-31'));
    expect(first.status).toBe('completed');
    expect(first.progress.byStatus).toEqual({ archived: 11, failed: 1 });
    const runId = first.runId;
    expect((await listRunFailures(store.db, runId)).map((f) => f.customerId)).toEqual([broken.id]);
    const before = await store.db
      .selectFrom('communications')
      .select(['customer_id', 'updated_at'])
      .where('run_id', '=', runId)
      .where('status', '=', 'archived')
      .orderBy('customer_id')
      .execute();

    await upsertCustomers(store.db, [customers[2]!]); // the data is fixed
    const retry = await retryFailed(store.db, runId);
    expect(retry).toMatchObject({ rerender: 1, resend: 0, refallback: 0 });
    expect(retry.run).toMatchObject({ status: 'planning', generation: 1 });
    const again = await executeRun(deps, request('2026-03-31'));
    expect(again.status).toBe('completed');
    const rows = await rowsPerCustomer(store, runId);
    expect(rows.size).toBe(12);
    expect([...rows.values()].every((n) => n === 1)).toBe(true);
    expect(await listRunFailures(store.db, runId)).toEqual([]);
    // The report frozen at completion reconciles: 12 in, 12 archived on print.
    const frozen = (await getRun(store.db, runId))?.report as RunReport;
    expect(frozen.reconciliation).toMatchObject({ balanced: true, customersIn: 12, customersAccounted: 12 });
    expect(frozen.byChannel).toEqual({ print: { archived: 12 } });
    expect(frozen.generation).toBe(1);
    expect(formatRunReport(frozen)).toContain('reconciliation    balanced');
    const after = await store.db
      .selectFrom('communications')
      .select(['customer_id', 'updated_at', 'status'])
      .where('run_id', '=', runId)
      .orderBy('customer_id')
      .execute();
    expect(after.every((r) => r.status === 'archived')).toBe(true);
    // The others were not touched.
    expect(after.filter((r) => r.customer_id !== broken.id).map((r) => r.updated_at)).toEqual(
      before.map((r) => r.updated_at),
    );
    // Nothing left to retry is fine; a running run cannot be retried.
    expect((await retryFailed(store.db, runId)).rerender).toBe(0);
    await expect(retryFailed(store.db, runId)).rejects.toThrow(/cannot retry/);
  });

  it('the API creates a run and pauses, resumes, cancels and retries it, for marketers only', async () => {
    const tokens = await seedUsers(store.db);
    const app = buildApp({ db: store.db, blobs: deps.blobs });
    try {
      const denied = await app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: bearer(tokens.agent),
        payload: { type: 'monthly-statement', asOf: '2026-04-30' },
      });
      expect(denied.statusCode).toBe(403);
      const created = await app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: bearer(tokens.marketer),
        payload: { type: 'monthly-statement', asOf: '2026-04-30' },
      });
      expect(created.statusCode).toBe(201);
      const runId = created.json<{ runId: string }>().runId;
      expect(runId).toBe(runIdFor(request('2026-04-30')));
      const again = await app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: bearer(tokens.admin),
        payload: { type: 'monthly-statement', asOf: '2026-04-30' },
      });
      expect(again.json()).toMatchObject({ runId, created: false });
      const post = (action: string) =>
        app.inject({ method: 'POST', url: `/api/runs/${runId}/${action}`, headers: bearer(tokens.marketer) });
      expect((await post('pause')).json()).toMatchObject({ run: { status: 'paused' } });
      expect((await post('pause')).statusCode).toBe(409);
      expect((await post('resume')).json()).toMatchObject({ run: { status: 'planning', generation: 1 } });
      expect((await post('cancel')).json()).toMatchObject({ run: { status: 'cancelled' } });
      expect((await post('retry-failed')).statusCode).toBe(409);
      const shown = await app.inject({
        method: 'GET',
        url: `/api/runs/${runId}`,
        headers: bearer(tokens.marketer),
      });
      expect(shown.json()).toMatchObject({
        run: { id: runId, status: 'cancelled' },
        progress: { ledgerRows: 0 },
      });
      const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: bearer(token) });
      const report = await get(`/api/runs/${runId}/report`, tokens.marketer);
      expect(report.json()).toMatchObject({ runId, status: 'cancelled', reconciliation: { balanced: true } });
      expect((await get(`/api/runs/${runId}/report`, tokens.agent)).statusCode).toBe(403);
      const page = await get(`/ui/runs/${runId}`, tokens.marketer);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('id="reconciled"');
      expect(page.body).toContain(runId);
      expect((await get('/ui/runs', tokens.admin)).body).toContain(`/ui/runs/${runId}`);
      // Agents may look (did the statements go out?), never steer: no control forms (issue 18 item 4).
      const agentPage = await get(`/ui/runs/${runId}`, tokens.agent);
      expect(agentPage.statusCode).toBe(200);
      expect(agentPage.body).not.toContain('id="controls"');
      const audited = await store.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', runId)
        .orderBy('id')
        .execute();
      expect(audited.map((a) => a.action)).toEqual([
        'run.create',
        'run.create',
        'run.pause',
        'run.resume',
        'run.cancel',
      ]);
      const missing = await app.inject({
        method: 'POST',
        url: '/api/runs/nope/pause',
        headers: bearer(tokens.marketer),
      });
      expect(missing.statusCode).toBe(404);
      const unknownType = await app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: bearer(tokens.marketer),
        payload: { type: 'no-such-template' },
      });
      expect(unknownType.statusCode).toBe(404);
      const postSource = (source: string) =>
        app.inject({
          method: 'POST',
          url: '/api/runs',
          headers: bearer(tokens.marketer),
          payload: { type: 'monthly-statement', source },
        });
      // Customer files are read by the CLI, never a server path; a segment needs a published catalog.
      expect((await postSource('file:/etc/passwd')).statusCode).toBe(400);
      const noCatalog = await postSource('segment:students');
      expect(noCatalog.statusCode).toBe(409);
      expect(noCatalog.json()).toMatchObject({ error: { code: 'MSV_RULES_NOT_PUBLISHED' } });
    } finally {
      await app.close();
    }
  });
});
