import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '../../src/batch/run-report.ts';
import { runIdFor } from '../../src/batch/run-request.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { countRunByChannel } from '../../src/store/run-ledger-counts.ts';
import { createRunIfAbsent, getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, ROOT, type TempStore } from '../support/stores.ts';
import { spawnWorker, type WorkerProcess, waitFor } from '../support/worker-process.ts';

/**
 * Runs without a foreground process: a run created in the store (as `POST /api/runs` does) is
 * planned, rendered, sent and closed by two `missive worker` processes sharing Redis and the store.
 */
/** What each dialect's run produced, compared at the end: the same run must come out the same. */
const outcomes = new Map<string, string[]>();

describe.each(['sqlite', 'postgres'] as const)('two missive worker processes on %s', (dialect) => {
  let temp: TempStore;
  let store: Store;
  const database = `worker_runs_${randomUUID().replaceAll('-', '')}`;
  const admin = () => new pg.Client({ connectionString: inject('databaseUrl') });
  let smtp: SmtpSink;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    temp = await openTempStore('worker-runs');
    const databaseUrl = new URL(inject('databaseUrl'));
    databaseUrl.pathname = `/${database}`;
    if (dialect === 'postgres') {
      const client = admin();
      await client.connect();
      await client.query(`create database ${database}`).finally(() => client.end());
      store = await openStoreAt({ databaseUrl: databaseUrl.href });
    } else {
      store = temp.store;
    }
    smtp = await startSmtpSink();
    const customers = await importBankCustomers(
      store,
      path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'),
    );
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    await publishCatalogDir(store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    const env = {
      REDIS_URL: inject('redisUrl'),
      MISSIVE_DATA_DIR: temp.dir,
      MISSIVE_QUEUE_PREFIX: `test-${randomUUID()}`,
      MISSIVE_SMTP_URL: smtp.url,
      MISSIVE_CHUNK_SIZE: '4',
      MISSIVE_LOG_LEVEL: 'warn',
      // One tracking key for both installations: the QR codes of printed offers carry tracked links.
      MISSIVE_TRACKING_KEY: 'worker-runs-test-tracking-key-0123456789abcdef',
      ...(dialect === 'postgres' ? { DATABASE_URL: databaseUrl.href } : {}),
    };
    workers.push(spawnWorker(env, ['--concurrency', '2']), spawnWorker(env, ['--queues', 'render,email']));
    await Promise.all(workers.map((w) => w.ready));
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await smtp?.close();
    if (dialect === 'postgres') {
      await Promise.all(workers.map((w) => w.exited));
      await store?.close();
      const client = admin();
      await client.connect();
      await client.query(`drop database if exists ${database}`).finally(() => client.end());
    }
    await temp?.close();
  });

  it('plan, render, send and close a run created in the store, once per customer and channel', async () => {
    const version = await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    const request = {
      communicationType: 'monthly-statement',
      templateVersionId: version.id,
      asOf: '2026-10-31',
      source: 'store:all',
    };
    const { run } = await createRunIfAbsent(store.db, {
      id: runIdFor({ ...request, source: 'store:all' }),
      ...request,
    });
    expect(run.status).toBe('planning');
    const done = await waitFor(
      async () => {
        const r = await getRun(store.db, run.id);
        return r?.status === 'completed' ? r : undefined;
      },
      // 10–25 s for 20 customers at load 2–9; a file beside it on two busy cores can double that.
      // The test's own 120 s timeout still ends a hang.
      90_000,
      'the run to complete',
    );
    expect(done.customersTotal).toBe(20);
    const rows = await store.db
      .selectFrom('communications')
      .select(['customer_id', 'channel', 'status', 'fallback_of', 'artifact_sha256'])
      .where('run_id', '=', run.id)
      .execute();
    // Print bytes are deterministic (with the same tracking key, their QR codes' links too); emails are
    // compared by status only.
    outcomes.set(
      dialect,
      rows
        .map(
          (r) =>
            `${r.customer_id}/${r.channel}/${r.status}/${r.channel === 'print' ? r.artifact_sha256 : ''}`,
        )
        .sort(),
    );
    if (outcomes.size === 2) expect(outcomes.get('postgres')).toEqual(outcomes.get('sqlite'));
    expect(new Set(rows.filter((r) => r.fallback_of === null).map((r) => r.customer_id)).size).toBe(20);
    expect(new Set(rows.map((r) => `${r.customer_id}/${r.channel}`)).size).toBe(rows.length);
    const byChannel = await countRunByChannel(store.db, run.id);
    expect(byChannel.email?.sent ?? 0).toBeGreaterThan(0);
    expect(smtp.messages.length).toBe(byChannel.email?.sent);
    expect(workers.map((w) => w.output()).join('')).toContain('queues render,email');
    const report = done.report as RunReport;
    expect(report.reconciliation).toMatchObject({ balanced: true, customersIn: 20, customersAccounted: 20 });
    expect(report.byChannel.email?.sent).toBe(byChannel.email?.sent);
    expect(report.decisions).toBe(20);
    // The flow's parent closed the run: it assembled the print streams of the paper documents,
    // which are now in their print files (issue 19's print lifecycle).
    expect(byChannel.print?.archived).toBeUndefined();
    expect(report.print?.documents).toBe(byChannel.print?.in_print_file);
    expect(fs.existsSync(path.join(temp.dir, 'print-streams', run.id))).toBe(true);
  });

  it('stop gracefully on SIGTERM', async () => {
    for (const w of workers) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    for (const w of workers) expect(w.output()).toContain('missive worker stopped (gracefully)');
  });
});
