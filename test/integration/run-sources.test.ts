import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { startTwilioSink, type TwilioSink } from '../../src/channels/sinks/twilio-sink.ts';
import type { Customer } from '../../src/core/types.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { openStoreAt } from '../../src/store/db.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers } from '../support/stores.ts';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const MAPPING = path.join(root, 'examples', 'bank-marketing', 'mapping.json');

/**
 * 300 bank rows (the shipped sample, 1½ times) with 3 of them (1 %) malformed in different ways. The
 * header is line 1, so data row r is on line r + 1. Returns the file's bytes and the broken lines.
 */
function customerFileWithBadRows(): { bytes: Buffer; bad: Map<number, RegExp> } {
  const [header, ...rows] = fs
    .readFileSync(path.join(root, 'examples', 'customers-sample.csv'), 'utf8')
    .trim()
    .split('\n');
  const data = [...rows, ...rows].slice(0, 300);
  const bad = new Map<number, RegExp>();
  const breakRow = (row: number, change: (cols: string[]) => string[], reason: RegExp) => {
    data[row - 1] = change(data[row - 1]!.split(',')).join(',');
    bad.set(row + 1, reason);
  };
  breakRow(40, (c) => ['forty', ...c.slice(1)], /age/); // not an integer
  breakRow(150, (c) => c.slice(0, 9), /column/i); // a row cut short
  breakRow(275, (c) => [...c.slice(0, 5), '', ...c.slice(6)], /balance/); // required, empty
  return { bytes: Buffer.from(`${[header, ...data].join('\n')}\n`), bad };
}

/** Issue 6's bad-input acceptance: the run completes, with exactly the bad rows in its failure list. */
describe('missive run --customers FILE with 1 % malformed rows', () => {
  let dataDir: string;
  // The runs send what they make (a run refuses a channel without a transport): real sinks on loopback.
  let smtp: SmtpSink;
  let twilio: TwilioSink;
  const missive = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: dataDir,
      MISSIVE_LOG_LEVEL: 'silent',
      MISSIVE_SMTP_URL: smtp.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      MISSIVE_TWILIO_API_BASE: twilio.url,
    };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    return exec('node', [path.join(root, 'bin', 'missive.js'), ...args], { env, cwd: dataDir });
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-run-source-'));
    smtp = await startSmtpSink();
    twilio = await startTwilioSink();
  });
  afterAll(async () => {
    await smtp?.close();
    await twilio?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes with exactly those rows in the failure list, each with its line and reason', async () => {
    const { bytes, bad } = customerFileWithBadRows();
    const file = path.join(dataDir, 'customers-1pct-bad.csv');
    fs.writeFileSync(file, bytes);
    await missive('templates', 'publish', path.join(root, 'templates', 'monthly-statement'));
    // The statement renders from its feeds: the good rows' customers (id = row number) and their
    // accounts are loaded first. 3 of 300 rows refused is 1 %: accepted, exit 0 with a note.
    const imported = await missive(
      'customers',
      'import',
      file,
      '--mapping',
      MAPPING,
      '--max-reject-rate',
      '1%',
    );
    expect(imported.stdout).toContain('exit 0: 3 of 300 rows refused (1%), within --max-reject-rate 1%');
    const goodIds = Array.from({ length: 300 }, (_, i) => i + 1).filter((row) => !bad.has(row + 1));
    const customers = goodIds.map(
      (id) => ({ id: String(id), locale: 'en-GB', traits: {} }) as unknown as Customer,
    );
    // Loaded in this process, as `missive feeds load` would (loadFeed; that command has tests of its
    // own): three commands fewer to start.
    const store = await openStoreAt({ sqlitePath: path.join(dataDir, 'missive.sqlite') });
    try {
      await loadStatementFeeds(store.db, customers, '2026-10-31');
    } finally {
      await store.close();
    }
    const args = [
      'run',
      'monthly-statement',
      '--customers',
      file,
      '--mapping',
      MAPPING,
      '--as-of',
      '2026-10-31',
    ];
    // Refused rows are failed customers of the run: exit 3 (the scheduler's "done, with failures").
    const partial = await missive(...args).then(
      () => expect.unreachable('3 refused rows must not exit 0'),
      (err: { code: number; stdout: string }) => err,
    );
    expect(partial.code).toBe(3);
    const { stdout } = partial;
    expect(stdout).toContain('300 rows — ');
    expect(stdout).toContain('3 rejected');
    expect(stdout).toContain('3 customer(s) failed, 3 of them refused at input:');
    expect(stdout).toContain('exit 3: 3 of 300 customers failed (1%)');
    const runId = /run (run_[0-9a-f]+)/.exec(stdout)?.[1];
    expect(runId).toBeDefined();

    const shown = JSON.parse((await missive('runs', 'show', runId!, '--json')).stdout) as {
      run: { status: string; customersTotal: number };
      failures: { stage: string; line: number | null; field: string | null; reason: string; code: string }[];
      report: {
        reconciliation: { balanced: boolean; customersIn: number };
        input: { rows: number; rejected: number };
      };
      summary: unknown;
    };
    expect(shown.run.status).toBe('completed');
    expect(shown.run.customersTotal).toBe(297);
    expect(shown.report.input).toMatchObject({ rows: 300, rejected: 3 });
    expect(shown.report.reconciliation).toMatchObject({ balanced: true, customersIn: 297 });
    // Exactly the broken lines, each with its reason; nothing else failed.
    expect(shown.failures.map((f) => f.line).sort((a, b) => a! - b!)).toEqual([...bad.keys()]);
    for (const failure of shown.failures) {
      expect(failure.stage).toBe('input');
      expect(failure.code).toMatch(/^MSV_INPUT_/);
      expect(failure.reason).toMatch(bad.get(failure.line!)!);
    }

    // Run again with the same file and the 1 % accepted: the same run, nothing imported, rendered or
    // failed twice, exit 0.
    const again = await missive(...args, '--max-failure-rate', '1%');
    expect(again.stdout).toContain('exit 0: 3 of 300 customers failed (1%), within --max-failure-rate 1%');
    expect(again.stdout).toContain(runId!);
    const after = JSON.parse((await missive('runs', 'show', runId!, '--json')).stdout) as typeof shown;
    expect(after.failures).toHaveLength(3);
    expect(after.summary).toEqual(shown.summary);
    // The terminal view names the lines.
    const text = (await missive('runs', 'show', runId!)).stdout;
    for (const line of bad.keys()) expect(text).toContain(`line ${line}`);
    const csv = (await missive('runs', 'failures', runId!, '--stage', 'input')).stdout.trim().split('\n');
    expect(csv[0]).toBe('line,field,customer,stage,code,reason');
    expect(csv.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([...bad.keys()]);
  });

  it('runs a named segment of the published catalog, and refuses one the catalog does not name', async () => {
    const sample = path.join(root, 'examples', 'customers-sample.csv');
    // The sample, the bank catalog and the campaign put in the store from this process, as `customers
    // import`, `offers publish` and `templates publish` would (those commands have tests of their own).
    const store = await openStoreAt({ sqlitePath: path.join(dataDir, 'missive.sqlite') });
    try {
      await importBankCustomers(store, sample);
      await publishCatalogDir(store.db, path.join(root, 'catalogs', 'bank'), '2026-10-31');
      await publishTemplatePackage(store.db, path.join(root, 'templates', 'cross-sell-promotion'));
    } finally {
      await store.close();
    }
    // catalogs/bank/traits.yaml: preRetirement = 50 ≤ age ≤ 64; the store now holds the sample and the
    // 297 good rows of the first test, whose ids (row numbers) overlap: count the members by id.
    const ages = new Map<string, number>();
    const addAges = (file: string, skipLines: Set<number>) =>
      fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .forEach((row, i) => {
          if (!skipLines.has(i + 2)) ages.set(String(i + 1), Number(row.split(',')[0]));
        });
    addAges(path.join(dataDir, 'customers-1pct-bad.csv'), new Set(customerFileWithBadRows().bad.keys()));
    addAges(sample, new Set());
    const expected = [...ages.values()].filter((age) => age >= 50 && age <= 64).length;
    expect(expected).toBeGreaterThan(10);
    const { stdout } = await missive(
      'run',
      'cross-sell-promotion',
      '--segment',
      'preRetirement',
      '--as-of',
      '2026-10-31',
    );
    const runId = /run (run_[0-9a-f]+)/.exec(stdout)?.[1];
    const shown = JSON.parse((await missive('runs', 'show', runId!, '--json')).stdout) as {
      run: { status: string; customersTotal: number; source: string };
      report: { reconciliation: { balanced: boolean } };
    };
    expect(shown.run).toMatchObject({
      status: 'completed',
      customersTotal: expected,
      source: 'segment:preRetirement',
    });
    expect(shown.report.reconciliation.balanced).toBe(true);

    const refused = await missive('run', 'cross-sell-promotion', '--segment', 'pensioners').then(
      () => expect.unreachable('an unknown segment must be refused'),
      (err: { stderr: string }) => err.stderr,
    );
    expect(refused).toContain('MSV_RUN_SOURCE');
    expect(refused).toContain('preRetirement');
  });
});
