import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
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
import { BANK_MAPPING, openTempStore, ROOT, type TempStore } from '../support/stores.ts';

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
  const temps: TempStore[] = [];
  let file: string;
  let customers: Customer[];

  beforeAll(async () => {
    const lines = fs
      .readFileSync(BANK_FULL, 'utf8')
      .split('\n')
      .slice(0, CUSTOMERS + 1);
    const scratch = await openTempStore('progress-file');
    temps.push(scratch);
    file = path.join(scratch.dir, 'customers-500.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    // The customers the CLI will import (same file, same mapping: same ids), for their statement feeds.
    customers = [];
    await importCustomers({
      file,
      mapping: BANK_MAPPING,
      sink: async (batch) => {
        customers.push(...batch);
        return { inserted: batch.length, updated: 0, unchanged: 0 };
      },
    });
  });
  afterAll(async () => {
    for (const t of temps) await t.close();
  });

  /** A data folder with the statement template, the bank catalog and the 500 customers' feeds, no customers yet. */
  async function folder(name: string): Promise<TempStore> {
    const temp = await openTempStore(name);
    temps.push(temp);
    await loadStatementFeeds(temp.store.db, customers, STATEMENT_AS_OF);
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), STATEMENT_AS_OF);
    return temp;
  }

  function envFor(temp: TempStore): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: temp.dir,
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
  async function inTerminal(temp: TempStore, args: string[]): Promise<string> {
    const command = [...missive, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const { stdout } = await exec('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: envFor(temp),
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  async function piped(temp: TempStore, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return exec(missive[0]!, [...missive.slice(1), ...args], {
      env: envFor(temp),
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  async function expectSummaryIsTheReport(temp: TempStore, stdout: string): Promise<void> {
    const runId = /^run (run_\w+)/m.exec(stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    const report = JSON.parse((await piped(temp, ['runs', 'report', runId, '--json'])).stdout) as RunReport;
    expect(report.reconciliation.customersIn).toBe(CUSTOMERS);
    expect(stdout).toContain(`  wall time        ${((report.wallTimeMs ?? 0) / 1000).toFixed(1)} s`);
    expect(stdout).toContain(`  documents/s      ${(report.customersPerSecond ?? 0).toFixed(1)}`);
  }

  it('in a pseudo-terminal: a bar in rows, then in documents, each ending at 500/500', async () => {
    const temp = await folder('progress-tty');
    const imported = screenLines(await inTerminal(temp, importArgs()));
    const importing = imported.filter((l) => l.startsWith('importing'));
    expect(importing.at(-1)).toMatch(
      /^importing \[█+\] 500\/500 rows \(100%\) \| [\d.]+ rows\/s \| [\d.]+ s \| rejected 0$/,
    );
    expect(imported.join('\n')).toContain('500 rows — 500 new');

    const ran = await inTerminal(temp, runArgs);
    const rendering = screenLines(ran).filter((l) => l.startsWith('rendering'));
    expect(rendering.length).toBeGreaterThan(1);
    expect(rendering.at(-1)).toMatch(
      /^rendering \[█+\] 500\/500 documents \(100%\) \| [\d.]+ documents\/s \| [\d.]+ s \| failed 0$/,
    );
    // Counts only grow, never past the total; no byte counts, no NaN or Infinity in an ETA.
    const counts = rendering.map((l) => Number(/ (\d+)\/500 documents/.exec(l)?.[1]));
    expect(counts.every((n, i) => n >= (counts[i - 1] ?? 0) && n <= CUSTOMERS)).toBe(true);
    expect(ran).not.toMatch(/NaN|Infinity|ETA N|ETA L/);
    await expectSummaryIsTheReport(temp, ran.replace(/\r/g, ''));
  }, 240_000); // 500 statements: over vitest's 60 s default on a busy machine

  it('without a terminal: a line every 10 s at most, and the last one at 500/500', async () => {
    const temp = await folder('progress-pipe');
    const imported = await piped(temp, importArgs());
    const importing = imported.stderr.split('\n').filter((l) => l.startsWith('importing'));
    expect(importing.at(-1)).toMatch(/^importing 500\/500 rows \(100%\) \| .* \| rejected 0$/);
    expect(imported.stderr).not.toContain('\u001b');

    const ran = await piped(temp, runArgs);
    const rendering = ran.stderr.split('\n').filter((l) => l.startsWith('rendering'));
    expect(rendering.at(-1)).toMatch(
      /^rendering 500\/500 documents \(100%\) \| [\d.]+ documents\/s \| [\d.]+ s \| failed 0$/,
    );
    // One line per 10 s of the run at most, plus the last.
    const seconds = Number(/\| ([\d.]+) s \|/.exec(rendering.at(-1)!)?.[1]);
    expect(rendering.length).toBeLessThanOrEqual(Math.floor(seconds / 10) + 1);
    expect(ran.stderr).not.toMatch(/NaN|Infinity/);
    await expectSummaryIsTheReport(temp, ran.stdout);
  }, 240_000);
});
