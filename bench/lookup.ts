/**
 * Call-center lookup latency with a big ledger: 1,000,000 communications (100,000 customers × 10
 * monthly runs) in SQLite, bulk-inserted, then the real API in-process (buildApp + inject, Bearer
 * token, audit rows written): a customer's timeline and one document's bytes (read from the archive
 * and verified against their sha256), p50 and p99.
 *
 *   node --import tsx bench/lookup.ts              (also part of `npm run bench`)
 *   BENCH_LOOKUP_COMMUNICATIONS=200000 node --import tsx bench/lookup.ts
 *
 * Goals (issue 7): p99 < 20 ms for the timeline, < 50 ms for a document.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { buildApp } from '../src/api/app.ts';
import { addUser, issueApiToken } from '../src/api/lookup/users.ts';
import { createFsBlobStore } from '../src/archive/fs-blob-store.ts';
import { stableId } from '../src/core/hash.ts';
import { openStoreAt } from '../src/store/db.ts';

const COMMUNICATIONS = Number(process.env.BENCH_LOOKUP_COMMUNICATIONS ?? 1_000_000);
const RUNS = 10;
const CUSTOMERS = Math.ceil(COMMUNICATIONS / RUNS);
const BLOBS = 200;
const SAMPLES = { timeline: 2000, document: 1000 };

export interface LookupFigures {
  communications: number;
  insertSeconds: number;
  timeline: { p50: number; p99: number };
  document: { p50: number; p99: number };
  plans: string[];
}

const customerId = (i: number) => `B${String(i).padStart(7, '0')}`;
const runId = (r: number) => `run_bench_${r}`;

/** Rows straight through better-sqlite3 prepared statements in big transactions: the fast path. */
function bulkInsert(file: string, shas: string[]): void {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const at = (r: number) => `2026-${String(r + 1).padStart(2, '0')}-28T02:00:00.000Z`;
  const customer = db.prepare(
    `insert into customers (id, name, locale, time_zone, email, phone, address, consent, e_delivery, traits, record_sha256, created_at, updated_at)
     values (?, ?, 'en-GB', 'Europe/London', ?, ?, null, '{}', 0, '{"balance":100}', 'x', ?, ?)`,
  );
  const run = db.prepare(
    `insert into runs (id, communication_type, template_version_id, as_of, status, source, customers_total, options, created_at)
     values (?, 'monthly-statement', 'monthly-statement@bench', ?, 'completed', 'store:all', ?, '{}', ?)`,
  );
  const communication = db.prepare(
    `insert into communications (id, run_id, customer_id, channel, template_version_id, status, reason, input_sha256, artifact_sha256, artifact_size, pages, provider_id, created_at, updated_at)
     values (?, ?, ?, 'print', 'monthly-statement@bench', 'archived', null, 'x', ?, 60000, 2, null, ?, ?)`,
  );
  const decision = db.prepare(
    `insert into decisions (run_id, customer_id, communication_type, catalog_version, model_version, seed, holdout, decision, created_at)
     values (?, ?, 'monthly-statement', 'bank@bench', 'm', 's', 0, '{"offers":[{"offerId":"term-deposit"}]}', ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < CUSTOMERS; i += 1) {
      const now = at(0);
      customer.run(
        customerId(i),
        `Customer ${i}`,
        `c${i}@example.com`,
        `+4477${String(i).padStart(8, '0')}`,
        now,
        now,
      );
    }
    for (let r = 0; r < RUNS; r += 1)
      run.run(runId(r), `2026-${String(r + 1).padStart(2, '0')}-28`, CUSTOMERS, at(r));
  })();
  let n = 0;
  for (let r = 0; r < RUNS && n < COMMUNICATIONS; r += 1) {
    db.transaction(() => {
      for (let i = 0; i < CUSTOMERS && n < COMMUNICATIONS; i += 1, n += 1) {
        const id = stableId('com', runId(r), customerId(i), 'print');
        communication.run(id, runId(r), customerId(i), shas[n % shas.length], at(r), at(r));
        if (r === RUNS - 1) decision.run(runId(r), customerId(i), at(r));
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  db.close();
}

function queryPlans(file: string): string[] {
  const db = new SqliteDatabase(file, { readonly: true });
  const plan = (q: string, ...args: unknown[]) =>
    `${q.split(' from ')[1]?.split(' ')[0]}: ${(db.prepare(`explain query plan ${q}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('; ')}`;
  const out = [
    plan(
      'select * from communications where customer_id = ? order by created_at desc, id limit 200',
      customerId(1),
    ),
    plan(
      'select * from events where customer_id = ? order by occurred_at desc, id desc limit 200',
      customerId(1),
    ),
    plan(
      'select run_id, decision from decisions where customer_id = ? and run_id in (?, ?)',
      customerId(1),
      runId(0),
      runId(1),
    ),
    plan('select * from communications where id = ?', 'com_x'),
  ];
  db.close();
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function benchLookup(): Promise<LookupFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-lookup-'));
  const file = path.join(dir, 'missive.sqlite');
  try {
    const blobs = createFsBlobStore(path.join(dir, 'archive'));
    const shas: string[] = [];
    for (let i = 0; i < BLOBS; i += 1) shas.push((await blobs.put(randomBytes(60_000))).sha256);
    const migrated = await openStoreAt({ sqlitePath: file });
    await migrated.close();
    const started = performance.now();
    bulkInsert(file, shas);
    const insertSeconds = (performance.now() - started) / 1000;
    const store = await openStoreAt({ sqlitePath: file });
    try {
      await addUser(store.db, { name: 'bench', role: 'agent' });
      const headers = { authorization: `Bearer ${await issueApiToken(store.db, 'bench')}` };
      const app = buildApp({ db: store.db, blobs, security: { rateLimit: 10_000_000 } });
      await app.ready();
      const pick = (k: number) => (k * 7919) % Math.min(CUSTOMERS, COMMUNICATIONS);
      const time = async (n: number, url: (k: number) => string) => {
        for (let k = 0; k < 50; k += 1) await app.inject({ url: url(k), headers }); // warm
        const ms: number[] = [];
        for (let k = 0; k < n; k += 1) {
          const t0 = performance.now();
          const res = await app.inject({ url: url(k), headers });
          ms.push(performance.now() - t0);
          if (res.statusCode !== 200)
            throw new Error(`${url(k)} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
        }
        ms.sort((a, b) => a - b);
        return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
      };
      const timeline = await time(
        SAMPLES.timeline,
        (k) => `/api/customers/${customerId(pick(k))}/communications`,
      );
      const document = await time(SAMPLES.document, (k) => {
        const c = customerId(pick(k));
        return `/api/customers/${c}/communications/${stableId('com', runId(k % RUNS), c, 'print')}/document`;
      });
      await app.close();
      return { communications: COMMUNICATIONS, insertSeconds, timeline, document, plans: queryPlans(file) };
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printLookup(f: LookupFigures): void {
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `\nCall-center lookup — ${f.communications.toLocaleString('en-GB')} communications in SQLite (bulk insert ${f.insertSeconds.toFixed(1)} s), API in-process with a Bearer token, load average ${load} on ${os.availableParallelism()} cores\n`,
  );
  console.log('| lookup | p50 | p99 | goal (p99) |');
  console.log('|---|---|---|---|');
  console.log(
    `| customer timeline | ${f.timeline.p50.toFixed(2)} ms | ${f.timeline.p99.toFixed(2)} ms | < 20 ms |`,
  );
  console.log(
    `| document bytes (60 KB, sha256-verified, audited) | ${f.document.p50.toFixed(2)} ms | ${f.document.p99.toFixed(2)} ms | < 50 ms |`,
  );
  console.log('\nquery plans:');
  for (const p of f.plans) console.log(`  ${p}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printLookup(await benchLookup());
}
