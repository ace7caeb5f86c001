import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Customer } from '../../src/core/types.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import type { Store } from '../../src/store/db.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from './statement-feeds.ts';
import { importBankCustomers, openTempStore, ROOT, type TempStore } from './stores.ts';

/** A `missive run` child process, its output captured. */
export interface RunProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

export const STATEMENT_AS_OF = '2026-10-31';

/** `missive run monthly-statement --as-of 2026-10-31` in its own process; REDIS_URL only if `env` gives one. */
export function spawnStatementRun(env: Record<string, string>): RunProcess {
  const { REDIS_URL: _inherited, ...parentEnv } = process.env;
  let stdout = '';
  let stderr = '';
  const child = spawn(
    'node',
    [path.join(ROOT, 'bin', 'missive.js'), 'run', 'monthly-statement', '--as-of', STATEMENT_AS_OF],
    { env: { ...parentEnv, MISSIVE_LOG_LEVEL: 'warn', ...env } },
  );
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * The shipped sample's first 20 bank rows: e-delivery and paper customers both, for a test whose
 * promise holds per customer or per run (a refusal, a summary, a superseded run) and needs no volume.
 */
export const BANK_CUSTOMERS_20 = path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv');

/**
 * A data folder ready for a statement run: the 200 bank customers (e-delivery by email, or paper) or
 * those of `customersFile`, their statement feeds loaded for the as-of date, the statement and the
 * bank catalog (which names the statement's channel policy) published.
 */
export async function prepareStatementFolder(
  prefix: string,
  customersFile?: string,
): Promise<{ temp: TempStore; customers: Customer[] }> {
  const temp = await openTempStore(prefix);
  const customers = await importBankCustomers(temp.store, customersFile);
  await loadStatementFeeds(temp.store.db, customers, STATEMENT_AS_OF);
  await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
  await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), STATEMENT_AS_OF);
  return { temp, customers };
}

export async function countLedgerRows(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('communications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The pids of a process's children, from /proc (Linux). */
export function childPids(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (dead, not yet reaped) is not alive.
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
