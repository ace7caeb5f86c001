/**
 * The scaling benchmark's starting point, made once: a PostgreSQL database holding N synthetic bank
 * customers (bench/synthetic-customers.ts), their month-end statement feeds (written by
 * examples/bank-statements and loaded as `missive feeds load` does), the bank catalog and the
 * published statement template. Every measured run starts from a copy of it
 * (`create database … template …`), so each run has the same customers and its own counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateBankStatementFeeds } from '../examples/bank-statements/generate.ts';
import { SHIPPED } from '../src/cli/project-paths.ts';
import { loadConfig } from '../src/core/config.ts';
import { importCustomers, loadFeed, requireDataSource } from '../src/customers/index.ts';
import { publishCatalogDir } from '../src/rules/publish.ts';
import { openStoreAt } from '../src/store/db.ts';
import { upsertCustomers } from '../src/store/index.ts';
import { publishTemplatePackage } from '../src/templates/publish.ts';
import { writeSyntheticCustomers } from './synthetic-customers.ts';

export const AS_OF = '2026-10-31';

export interface BaseDatabase {
  /** The database URL of the prepared copy (never run against: copied for each run). */
  url: string;
  name: string;
  customers: number;
  templateVersionId: string;
  setupSeconds: number;
}

/** Same server, another database: `postgres://…/<name>`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export async function prepareBaseDatabase(
  serverUrl: string,
  bankFile: string,
  customers: number,
  workDir: string,
  say: (text: string) => void,
): Promise<BaseDatabase> {
  const start = performance.now();
  const name = 'scaling_base';
  await adminQuery(serverUrl, `create database ${name}`);
  const url = databaseUrl(serverUrl, name);
  const store = await openStoreAt({ databaseUrl: url });
  try {
    const file = path.join(workDir, 'customers.csv');
    await writeSyntheticCustomers(bankFile, customers, file);
    await importCustomers({
      file,
      mapping: SHIPPED.bankMapping,
      batchSize: 2_000,
      sink: (batch) => upsertCustomers(store.db, batch),
    });
    const config = loadConfig({ ...process.env, MISSIVE_DATA_DIR: workDir });
    const datasource = await requireDataSource(config.datasourcesDir, 'monthly-statement');
    const extracts = await generateBankStatementFeeds({
      customersFile: file,
      mappingFile: SHIPPED.bankMapping,
      asOf: AS_OF,
      outDir: path.join(workDir, 'feeds'),
    });
    for (const written of extracts.files.filter((f) => f.datasource === datasource.name)) {
      await loadFeed({ db: store.db, datasource, feed: written.feed, file: written.file, asOf: AS_OF });
    }
    await publishCatalogDir(store.db, SHIPPED.bankCatalog, AS_OF);
    const template = await publishTemplatePackage(store.db, SHIPPED.statementTemplate);
    fs.rmSync(path.join(workDir, 'feeds'), { recursive: true, force: true });
    const setupSeconds = (performance.now() - start) / 1000;
    say(`base database: ${customers} customers, ${extracts.rows} feed rows (${setupSeconds.toFixed(0)} s)`);
    return { url, name, customers, templateVersionId: template.id, setupSeconds };
  } finally {
    await store.close();
  }
}

/** A fresh copy of the base database for one run; returns its URL. */
export async function copyOfBase(serverUrl: string, base: BaseDatabase, name: string): Promise<string> {
  await adminQuery(serverUrl, `create database ${name} template ${base.name}`);
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface DatabaseCounters {
  /** Rows inserted + updated + deleted. */
  rowWrites: number;
  commits: number;
  /** Blocks written by backends and the checkpointer/bgwriter are server-wide; this is the database's size. */
  bytes: number;
}

/** pg_stat_database of `name` (after waiting out the backends' once-a-second counter flush). */
export async function databaseCounters(serverUrl: string, name: string): Promise<DatabaseCounters> {
  await new Promise((r) => setTimeout(r, 1_100));
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ w: string; c: string; b: string }>(
      `select tup_inserted + tup_updated + tup_deleted as w, xact_commit as c, pg_database_size($1) as b
         from pg_stat_database where datname = $1`,
      [name],
    );
    return {
      rowWrites: Number(rows[0]?.w ?? 0),
      commits: Number(rows[0]?.c ?? 0),
      bytes: Number(rows[0]?.b ?? 0),
    };
  } finally {
    await client.end();
  }
}
