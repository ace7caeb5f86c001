import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const MAPPING = path.join(root, 'examples', 'bank-marketing', 'mapping.json');
const HEADER =
  'age,job,marital,education,default,balance,housing,loan,contact,day,month,duration,campaign,pdays,previous,poutcome,y';
const row = (age: string) => `${age},admin.,married,secondary,no,10,yes,no,unknown,5,may,1,1,-1,0,unknown,no`;

/**
 * Exit codes a scheduler can trust: 0 clean, 3 some rows or customers failed, 1 nothing made or a
 * second run for a period (README "Exit codes"), 2 bad usage.
 */
describe('exit codes of import, feeds load and run', () => {
  let dir: string;
  type Result = { code: number; stdout: string; stderr: string };
  const missive = (...args: string[]): Promise<Result> => missiveIn(dir, ...args);
  const missiveIn = async (dataDir: string, ...args: string[]): Promise<Result> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: dataDir,
      MISSIVE_LOG_LEVEL: 'silent',
      REDIS_URL: inject('redisUrl'),
    };
    delete env.DATABASE_URL;
    try {
      const out = await run('node', [path.join(root, 'bin', 'missive.js'), ...args], { env, cwd: dir });
      return { code: 0, ...out };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-exit-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('customers import: 3 with a refused row, 0 within --max-reject-rate, 2 for a bad rate', async () => {
    const file = write('customers.csv', [HEADER, row('xx'), row('30'), row('41'), row('52')].join('\n'));
    const strict = await missive('customers', 'import', file, '--mapping', MAPPING);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toContain(
      'exit 3: 1 of 4 rows refused (25%); accept a known level with --max-reject-rate',
    );
    const accepted = await missive(
      'customers',
      'import',
      file,
      '--mapping',
      MAPPING,
      '--max-reject-rate',
      '50%',
    );
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('exit 0: 1 of 4 rows refused (25%), within --max-reject-rate 50%');
    expect(
      (await missive('customers', 'import', file, '--mapping', MAPPING, '--max-reject-rate', '0.1')).code,
    ).toBe(3);
    const bad = await missive('customers', 'import', file, '--max-reject-rate', 'some');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-reject-rate must be a share/);
    const clean = write('clean.csv', [HEADER, row('30'), row('41')].join('\n'));
    // In a data folder of its own: its row 1 would be a customer 1 in the runs below.
    const ok = await missiveIn(path.join(dir, 'clean'), 'customers', 'import', clean, '--mapping', MAPPING);
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toMatch(/exit \d/);
  });

  it('feeds load: 3 with a refused row or orphans, 0 when clean', async () => {
    const accounts = write(
      'accounts.csv',
      'account_id,customer_id,account_number,sort_code,iban,bic,currency,opening_balance,overdraft_limit\nA2,2,12-34-56 00000002,,,,GBP,10,0\nA3,3,12-34-56 00000003,,,,GBP,10,0\n',
    );
    expect(
      (await missive('feeds', 'load', 'monthly-statement', 'accounts', accounts, '--as-of', '2026-11-30'))
        .code,
    ).toBe(0);
    const tx = write(
      'tx.csv',
      'transaction_id,account_id,booking_date,description,amount,type\nT1,A2,2026-11-02,Shop,-1,\nT2,A2,2026-02-30,Shop,-1,\n',
    );
    const loaded = await missive(
      'feeds',
      'load',
      'monthly-statement',
      'transactions',
      tx,
      '--as-of',
      '2026-11-30',
    );
    expect(loaded.code).toBe(3);
    expect(loaded.stdout).toMatch(/line 3 booking_date: not a calendar date/);
  });

  it('run: 3 when some customers failed, with the reasons; 1 and `failed` when every customer failed', async () => {
    // Customers 2 and 3 have accounts (imported above: ids are row numbers, row 1 was refused); 4 has none.
    const history = write('history.csv', 'account_id,month,paid_in,paid_out\n');
    await missive('feeds', 'load', 'monthly-statement', 'account-history', history, '--as-of', '2026-11-30');
    await missive('templates', 'publish', path.join(root, 'templates', 'monthly-statement'));
    const some = await missive('run', 'monthly-statement', '--as-of', '2026-11-30');
    expect(some.code).toBe(3);
    expect(some.stdout).toMatch(
      /1 customer\(s\) failed:\n {2}1 × MSV_DATA_MISSING: customer 4 has no rows in feed accounts/,
    );
    expect(some.stdout).toMatch(/see them all: missive runs failures run_/);
    expect(some.stdout).toContain(
      'exit 3: 1 of 3 customers failed (33.3%); accept a known level with --max-failure-rate',
    );
    // The same run again (complete: nothing new to do) with the level accepted.
    const accepted = await missive(
      'run',
      'monthly-statement',
      '--as-of',
      '2026-11-30',
      '--max-failure-rate',
      '50%',
    );
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(
      'exit 0: 1 of 3 customers failed (33.3%), within --max-failure-rate 50%',
    );
    expect((await missive('run', 'monthly-statement', '--max-failure-rate', '5 %%')).code).toBe(2);

    // A second run for the month (over every customer, then over a file): refused, exit 1, before
    // the file is read — unless --supersede names the run it replaces (a bad one is bad usage, 2).
    const firstRun = /see them all: missive runs failures (run_\w+)/.exec(some.stdout)![1]!;
    const fileArgs = ['--customers', path.join(dir, 'customers.csv'), '--mapping', MAPPING];
    const second = await missive('run', 'monthly-statement', ...fileArgs, '--as-of', '2026-11-30');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('[MSV_RUN_PERIOD_TAKEN]');
    expect(second.stderr).toContain(`--supersede ${firstRun}`);
    expect(
      (await missive('run', 'monthly-statement', ...fileArgs, '--as-of', '2026-11-30', '--supersede', 'x'))
        .code,
    ).toBe(2);
    // A customer file's refused row counts as a failed customer of the run.
    const fileRun = await missive(
      'run',
      'monthly-statement',
      ...fileArgs,
      '--as-of',
      '2026-11-30',
      '--supersede',
      firstRun,
    );
    expect(fileRun.code).toBe(3);
    expect(fileRun.stdout).toContain(`replaces run ${firstRun}`);
    expect(fileRun.stdout).toContain('2 customer(s) failed, 1 of them refused at input:');
    expect(fileRun.stdout).toContain('exit 3: 2 of 4 customers failed (50%)');

    // A period whose feeds hold nobody's accounts: every customer fails, the run is not completed.
    for (const [feed, file] of [
      [
        'accounts',
        write(
          'none.csv',
          'account_id,customer_id,account_number,sort_code,iban,bic,currency,opening_balance,overdraft_limit\n',
        ),
      ],
      [
        'transactions',
        write('none-tx.csv', 'transaction_id,account_id,booking_date,description,amount,type\n'),
      ],
      ['account-history', history],
    ] as const) {
      await missive('feeds', 'load', 'monthly-statement', feed, file, '--as-of', '2026-12-31');
    }
    const none = await missive('run', 'monthly-statement', '--as-of', '2026-12-31');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(
      '0 documents made: every customer failed (3); the run is failed, not completed',
    );
    expect(none.stdout).toMatch(/ {2}3 × MSV_DATA_MISSING: customer \d has no rows in feed accounts/);
    expect(none.stdout).toContain('documents/s      0 (no document was made;');
    expect(none.stdout).toMatch(/missive runs retry-failed run_\w+/);
    expect((await missive('runs', 'list')).stdout).toMatch(/2026-12-31\s+failed/);
    // Asked again, it stays failed (never `completed`) and exits 1 again, even with every failure accepted.
    const again = await missive(
      'run',
      'monthly-statement',
      '--as-of',
      '2026-12-31',
      '--max-failure-rate',
      '100%',
    );
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('failed before: nothing new to do');
  }, 180_000);
});
