/**
 * The self-service "My documents" page with a big ledger (issue 20): 1,000,000 communications
 * (50,000 customers × 20 monthly runs) in SQLite, bulk-inserted, then the real portal in-process
 * (buildApp + inject, a customer session cookie): the first page of a customer's documents and
 * the next (keyset) page, rendered as HTML, p50 and p99; and the query plan.
 *
 *   node --import tsx bench/portal-documents.ts
 *   BENCH_PORTAL_COMMUNICATIONS=200000 node --import tsx bench/portal-documents.ts
 *
 * Goal (issue 20): p99 < 50 ms for the documents page at 1,000,000 ledger rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { buildApp } from '../src/api/app.ts';
import { secretHash } from '../src/api/auth/secrets.ts';
import { stableId } from '../src/core/hash.ts';
import { openStoreAt } from '../src/store/db.ts';
import { pageReceivedDocuments } from '../src/store/received-documents.ts';

const COMMUNICATIONS = Number(process.env.BENCH_PORTAL_COMMUNICATIONS ?? 1_000_000);
const RUNS = 20;
const CUSTOMERS = Math.ceil(COMMUNICATIONS / RUNS);
const SAMPLES = 2000;

const customerId = (i: number) => `P${String(i).padStart(7, '0')}`;
const runId = (r: number) => `run_portal_${r}`;
const asOf = (r: number) => new Date(Date.UTC(2025, r + 1, 0)).toISOString().slice(0, 10);

function bulkInsert(file: string): void {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const customer = db.prepare(
    `insert into customers (id, name, locale, time_zone, email, phone, address, consent, e_delivery, traits, record_sha256, created_at, updated_at)
     values (?, ?, 'en-GB', 'Europe/London', null, null, null, '{}', 0, '{}', 'x', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
  );
  const run = db.prepare(
    `insert into runs (id, communication_type, template_version_id, as_of, status, source, customers_total, options, created_at)
     values (?, 'monthly-statement', 'monthly-statement@bench', ?, 'completed', 'store:all', ?, '{}', ?)`,
  );
  const communication = db.prepare(
    `insert into communications (id, run_id, customer_id, channel, template_version_id, status, reason, input_sha256, artifact_sha256, artifact_size, pages, provider_id, created_at, updated_at)
     values (?, ?, ?, ?, 'monthly-statement@bench', ?, null, 'x', ?, 60000, 2, null, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < CUSTOMERS; i += 1) customer.run(customerId(i), `Customer ${i}`);
    for (let r = 0; r < RUNS; r += 1) run.run(runId(r), asOf(r), CUSTOMERS, `${asOf(r)}T20:00:00.000Z`);
  })();
  let n = 0;
  for (let r = 0; r < RUNS && n < COMMUNICATIONS; r += 1) {
    db.transaction(() => {
      for (let i = 0; i < CUSTOMERS && n < COMMUNICATIONS; i += 1, n += 1) {
        // Every 10th an e-mail (sent); one in 50 failed (not a document the customer has).
        const channel = i % 10 === 0 ? 'email' : 'print';
        const status = i % 50 === 7 ? 'failed' : channel === 'email' ? 'sent' : 'archived';
        const at = `${asOf(r)}T2${r % 4}:00:00.000Z`;
        const sha = stableId('sha', String(n)).padEnd(64, '0');
        communication.run(
          stableId('com', runId(r), customerId(i), channel),
          runId(r),
          customerId(i),
          channel,
          status,
          sha,
          at,
          at,
        );
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  db.close();
}

function plan(file: string): string {
  const db = new SqliteDatabase(file, { readonly: true });
  const rows = db
    .prepare(
      `explain query plan select c.id from communications c join runs r on r.id = c.run_id
       where c.customer_id = ? and c.artifact_sha256 is not null
       and (c.status = 'sent' or (c.channel = 'print' and c.status in ('archived', 'in_print_file', 'printed', 'mailed')))
       and (c.created_at, c.id) < (?, ?) order by c.created_at desc, c.id desc limit 21`,
    )
    .all(customerId(1), '2026-01-01', 'z') as { detail: string }[];
  db.close();
  return rows.map((r) => r.detail).join('; ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-portal-'));
const file = path.join(dir, 'missive.sqlite');
try {
  (await openStoreAt({ sqlitePath: file })).close();
  const t0 = performance.now();
  bulkInsert(file);
  const insertSeconds = (performance.now() - t0) / 1000;
  const store = await openStoreAt({ sqlitePath: file });
  const app = buildApp({
    db: store.db,
    security: { rateLimit: 10_000_000 },
    portal: { key: new Uint8Array(32), sendCode: async () => {} },
  });
  await app.ready();
  const cookies: string[] = [];
  for (let k = 0; k < 100; k += 1) {
    const token = `bench-session-${k}`;
    await store.db
      .insertInto('portal_sessions')
      .values({
        token_sha256: secretHash(token),
        customer_id: customerId((k * 7919) % CUSTOMERS),
        csrf_token: 'x',
        created_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      })
      .execute();
    cookies.push(`missive_portal=${token}`);
  }
  const time = async (url: (k: number) => Promise<string> | string) => {
    const ms: number[] = [];
    for (let k = -50; k < SAMPLES; k += 1) {
      const target = await url(Math.abs(k));
      const started = performance.now();
      const res = await app.inject({
        url: target,
        headers: { cookie: cookies[Math.abs(k) % cookies.length]! },
      });
      if (k >= 0) ms.push(performance.now() - started);
      if (res.statusCode !== 200) throw new Error(`${target}: ${res.statusCode}`);
    }
    ms.sort((a, b) => a - b);
    return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
  };
  const first = await time(() => '/portal/documents');
  const nextUrls: string[] = [];
  for (const cookie of cookies) {
    const res = await app.inject({ url: '/portal/documents', headers: { cookie } });
    nextUrls.push(/rel="next" href="([^"]+)"/.exec(res.body)?.[1] ?? '/portal/documents');
  }
  const next = await time((k) => nextUrls[k % nextUrls.length]!);
  // The store query alone (no HTTP, no HTML): what the index costs, apart from the page around it.
  const queryMs: number[] = [];
  for (let k = -50; k < SAMPLES; k += 1) {
    const started = performance.now();
    await pageReceivedDocuments(store.db, customerId((Math.abs(k) * 7919) % CUSTOMERS), { limit: 21 });
    if (k >= 0) queryMs.push(performance.now() - started);
  }
  queryMs.sort((a, b) => a - b);
  await app.close();
  await store.close();
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `\nPortal "My documents" — ${COMMUNICATIONS.toLocaleString('en-GB')} ledger rows in SQLite (bulk insert ${insertSeconds.toFixed(1)} s), ${SAMPLES} requests each, in-process, load average ${load} on ${os.availableParallelism()} cores\n`,
  );
  console.log('| page | p50 | p99 | goal (p99) |');
  console.log('|---|---|---|---|');
  console.log(
    `| first page (20 newest, HTML) | ${first.p50.toFixed(2)} ms | ${first.p99.toFixed(2)} ms | < 50 ms |`,
  );
  console.log(
    `| next page (keyset cursor) | ${next.p50.toFixed(2)} ms | ${next.p99.toFixed(2)} ms | < 50 ms |`,
  );
  console.log(
    `| the store query alone (pageReceivedDocuments, 21 rows) | ${percentile(queryMs, 50).toFixed(2)} ms | ${percentile(queryMs, 99).toFixed(2)} ms | |`,
  );
  console.log(`\nquery plan: ${plan(file)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
