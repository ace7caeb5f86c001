/**
 * Feed loading: the bank's transactions extract for N customers × 60 transactions
 * (BENCH_FEEDS_CUSTOMERS, default 100,000 = 6 M rows; 1,000,000 = 60 M rows for the figure),
 * written by the example generator, then loaded with `loadFeed` — the code `missive feeds load` runs —
 * into a fresh SQLite store, and into PostgreSQL when one can be started (Debian's postgresql, as the
 * tests do). Reference in the same run: bare csv-parse reading the same file, nothing else. Memory is
 * sampled through each load (flat = streaming). BENCH_FEEDS_PG=0 skips PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import { generateBankStatementFeeds } from '../examples/bank-statements/generate.ts';
import { loadFeed, requireDataSource } from '../src/customers/index.ts';
import { openStoreAt, type Store } from '../src/store/db.ts';
import { startPostgres } from '../test/servers/postgres.ts';

const AS_OF = '2026-11-30';

export interface FeedLoadFigures {
  customers: number;
  rows: number;
  fileMb: number;
  csvParseRowsPerSecond: number;
  sqlite: StoreFigure;
  postgres?: StoreFigure | undefined;
}

interface StoreFigure {
  rowsPerSecond: number;
  seconds: number;
  /** Largest resident set size seen during the load, MB, and at its start. */
  peakRssMb: number;
  startRssMb: number;
}

export async function benchFeedsLoad(root: string): Promise<FeedLoadFigures> {
  const customers = Number(process.env.BENCH_FEEDS_CUSTOMERS ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-feeds-'));
  try {
    const say = (text: string) => console.error(`feeds: ${text}`);
    say(`generating ${customers.toLocaleString('en-GB')} customers × 60 transactions in ${dir}`);
    const made = await generateBankStatementFeeds({
      syntheticCustomers: customers,
      asOf: AS_OF,
      outDir: dir,
      transactions: 60,
    });
    const file = (feed: string) => made.files.find((f) => f.feed === feed)!.file;
    const transactions = file('transactions');
    const fileMb = fs.statSync(transactions).size / 1e6;

    say('reference: bare csv-parse of the same file');
    let start = performance.now();
    let rows = 0;
    for await (const _ of fs.createReadStream(transactions, { highWaterMark: 1024 * 1024 }).pipe(parse()))
      rows += 1;
    rows -= 1; // header
    const csvParseRowsPerSecond = rows / ((performance.now() - start) / 1000);

    const datasource = await requireDataSource(path.join(root, 'datasources'), 'monthly-statement');
    const loadInto = async (store: Store, label: string): Promise<StoreFigure> => {
      await loadFeed({ db: store.db, datasource, feed: 'accounts', file: file('accounts'), asOf: AS_OF });
      say(`${label}: loading ${rows.toLocaleString('en-GB')} transactions`);
      const startRssMb = process.memoryUsage().rss / 1e6;
      let peakRssMb = startRssMb;
      const sampler = setInterval(() => {
        peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 1e6);
      }, 250);
      start = performance.now();
      try {
        const summary = await loadFeed({
          db: store.db,
          datasource,
          feed: 'transactions',
          file: transactions,
          asOf: AS_OF,
        });
        if (summary.rows !== rows || summary.control.status !== 'ok') {
          throw new Error(`${label}: loaded ${summary.rows} of ${rows}, control ${summary.control.status}`);
        }
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - start) / 1000;
      return { rowsPerSecond: rows / seconds, seconds, peakRssMb, startRssMb };
    };

    const sqlite = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
    let sqliteFigure: StoreFigure;
    try {
      sqliteFigure = await loadInto(sqlite, 'SQLite');
    } finally {
      await sqlite.close();
    }
    fs.rmSync(path.join(dir, 'missive.sqlite'), { force: true });

    let postgres: StoreFigure | undefined;
    if (process.env.BENCH_FEEDS_PG !== '0') {
      try {
        const server = await startPostgres();
        try {
          const store = await openStoreAt({ databaseUrl: server.url });
          try {
            postgres = await loadInto(store, 'PostgreSQL');
          } finally {
            await store.close();
          }
        } finally {
          await server.stop();
        }
      } catch (err) {
        say(`PostgreSQL skipped: ${(err as Error).message}`);
      }
    }
    return { customers, rows, fileMb, csvParseRowsPerSecond, sqlite: sqliteFigure, postgres };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printFeedsLoad(f: FeedLoadFigures): void {
  const line = (label: string, s: StoreFigure) =>
    `- ${label}: ${s.rowsPerSecond.toFixed(0)} rows/s (${s.seconds.toFixed(1)} s; ratio to bare csv-parse ${(s.rowsPerSecond / f.csvParseRowsPerSecond).toFixed(2)}); RSS ${s.startRssMb.toFixed(0)} MB at start, peak ${s.peakRssMb.toFixed(0)} MB`;
  console.log(
    `\nFeed load: ${f.rows.toLocaleString('en-GB')} transactions (${f.customers.toLocaleString('en-GB')} customers, ${f.fileMb.toFixed(0)} MB); bare csv-parse ${f.csvParseRowsPerSecond.toFixed(0)} rows/s`,
  );
  console.log(line('SQLite', f.sqlite));
  if (f.postgres) console.log(line('PostgreSQL', f.postgres));
}
