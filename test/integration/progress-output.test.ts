import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '../../src/batch/run-report.ts';
import type { Customer } from '../../src/core/types.ts';
import { importCustomers } from '../../src/customers/import.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { cliStartEnv } from '../support/cli-start.ts';
import { STATEMENT_AS_OF } from '../support/run-process.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { BANK_MAPPING, openTempStore, ROOT } from '../support/stores.ts';

const exec = promisify(execFile);
const BANK_FULL = path.resolve(ROOT, '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv');
const CUSTOMERS = 500;

/** Terminal control sequences (cursor moves, line clears) become line breaks: what a person sees, line by line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escapes a terminal bar writes
const ANSI = /\u001b(\[[0-9;?]*[A-Za-z]|[78])/g;
const screenLines = (text: string) =>
  text
    .replace(ANSI, '\n')
    .split(/\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Issue 18 item 2: progress that tells the truth, through `missive` processes on real Redis — a
 * 500-customer import counts rows (not bytes) and a 500-customer statement run counts documents, in
 * a pseudo-terminal (`script`) and without one, and both end at 500/500; the run summary's wall time
 * and rate are `runs report`'s.
 */
describe('progress output of a 500-customer import and run', () => {
  const folders: string[] = [];
  let file: string;
  /** A data folder with the statement template, the bank catalog and the 500 customers' feeds, no customers yet. */
  let prepared: string;

  beforeAll(async () => {
    const lines = fs
      .readFileSync(BANK_FULL, 'utf8')
      .split('\n')
      .slice(0, CUSTOMERS + 1);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-progress-file-'));
    folders.push(scratch);
    file = path.join(scratch, 'customers-500.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    // The customers the CLI will import (same file, same mapping: same ids), for their statement feeds.
    const customers: Customer[] = [];
    await importCustomers({
      file,
      mapping: BANK_MAPPING,
      sink: async (batch) => {
        customers.push(...batch);
        return { inserted: batch.length, updated: 0, unchanged: 0 };
      },
    });
    // Made once (feeds of 500 customers, template, catalog: ~4 s at load 10), copied for each test.
    const base = await openTempStore('progress-prepared');
    folders.push(base.dir);
    await loadStatementFeeds(base.store.db, customers, STATEMENT_AS_OF);
    await publishTemplatePackage(base.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    await publishCatalogDir(base.store.db, path.join(ROOT, 'catalogs', 'bank'), STATEMENT_AS_OF);
    await base.store.close(); // its writes all in missive.sqlite, none left in a WAL file
    prepared = base.dir;
  });
  afterAll(() => {
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the prepared data folder, for one test's import and run. */
  function folder(name: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `missive-${name}-`));
    folders.push(dir);
    fs.cpSync(prepared, dir, { recursive: true });
    return dir;
  }

  function envFor(dir: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: dir,
      MISSIVE_LOG_LEVEL: 'silent',
      ...cliStartEnv(),
      MISSIVE_CHUNK_SIZE: '50',
      MISSIVE_QUEUE_PREFIX: `progress-${randomUUID().slice(0, 8)}`,
      REDIS_URL: inject('redisUrl'),
      COLUMNS: '160',
    };
    for (const name of ['DATABASE_URL', 'MISSIVE_SMTP_URL', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'])
      delete env[name];
    return env;
  }

  const missive = ['node', path.join(ROOT, 'bin', 'missive.js')];
  const importArgs = () => ['customers', 'import', file, '--mapping', BANK_MAPPING];
  const runArgs = ['run', 'monthly-statement', '--as-of', STATEMENT_AS_OF];

  /** In a pseudo-terminal: `script` gives the command a tty and copies what it draws (stdout and stderr). */
  async function inTerminal(data: string, args: string[]): Promise<string> {
    const command = [...missive, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const { stdout } = await exec('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: envFor(data),
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  async function piped(data: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return exec(missive[0]!, [...missive.slice(1), ...args], {
      env: envFor(data),
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  async function expectSummaryIsTheReport(data: string, stdout: string): Promise<void> {
    const runId = /^run (run_\w+)/m.exec(stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    const report = JSON.parse((await piped(data, ['runs', 'report', runId, '--json'])).stdout) as RunReport;
    expect(report.reconciliation.customersIn).toBe(CUSTOMERS);
    expect(stdout).toContain(`  wall time        ${((report.wallTimeMs ?? 0) / 1000).toFixed(1)} s`);
    expect(stdout).toContain(`  documents/s      ${(report.customersPerSecond ?? 0).toFixed(1)}`);
  }

  it('in a pseudo-terminal: a bar in rows, then in documents, each ending at 500/500', async () => {
    const data = folder('progress-tty');
    const imported = screenLines(await inTerminal(data, importArgs()));
    const importing = imported.filter((l) => l.startsWith('importing'));
    expect(importing.at(-1)).toMatch(
      /^importing \[█+\] 500\/500 rows \(100%\) \| [\d.]+ rows\/s \| [\d.]+ s \| rejected 0$/,
    );
    expect(imported.join('\n')).toContain('500 rows — 500 new');

    const ran = await inTerminal(data, runArgs);
    const rendering = screenLines(ran).filter((l) => l.startsWith('rendering'));
    expect(rendering.length).toBeGreaterThan(1);
    expect(rendering.at(-1)).toMatch(
      /^rendering \[█+\] 500\/500 documents \(100%\) \| [\d.]+ documents\/s \| [\d.]+ s \| failed 0$/,
    );
    // Counts only grow, never past the total; no byte counts, no NaN or Infinity in an ETA.
    const counts = rendering.map((l) => Number(/ (\d+)\/500 documents/.exec(l)?.[1]));
    expect(counts.every((n, i) => n >= (counts[i - 1] ?? 0) && n <= CUSTOMERS)).toBe(true);
    expect(ran).not.toMatch(/NaN|Infinity|ETA N|ETA L/);
    await expectSummaryIsTheReport(data, ran.replace(/\r/g, ''));
  }, 240_000); // 500 statements: over vitest's 60 s default on a busy machine

  it('without a terminal: a line every 10 s at most, and the last one at 500/500', async () => {
    const data = folder('progress-pipe');
    const imported = await piped(data, importArgs());
    const importing = imported.stderr.split('\n').filter((l) => l.startsWith('importing'));
    expect(importing.at(-1)).toMatch(/^importing 500\/500 rows \(100%\) \| .* \| rejected 0$/);
    expect(imported.stderr).not.toContain('\u001b');

    const ran = await piped(data, runArgs);
    const rendering = ran.stderr.split('\n').filter((l) => l.startsWith('rendering'));
    expect(rendering.at(-1)).toMatch(
      /^rendering 500\/500 documents \(100%\) \| [\d.]+ documents\/s \| [\d.]+ s \| failed 0$/,
    );
    // One line per 10 s of the run at most, plus the last.
    const seconds = Number(/\| ([\d.]+) s \|/.exec(rendering.at(-1)!)?.[1]);
    expect(rendering.length).toBeLessThanOrEqual(Math.floor(seconds / 10) + 1);
    expect(ran.stderr).not.toMatch(/NaN|Infinity/);
    await expectSummaryIsTheReport(data, ran.stdout);
  }, 240_000);
});
