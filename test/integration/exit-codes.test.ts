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

/** Exit codes a scheduler can trust: 0 clean, 3 some rows or customers failed, 1 nothing made, 2 bad usage. */
describe('exit codes of import, feeds load and run', () => {
  let dir: string;
  const missive = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = {
      ...process.env,
      MISSIVE_DATA_DIR: dir,
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
    expect((await missive('customers', 'import', file, '--mapping', MAPPING)).code).toBe(3);
    expect(
      (await missive('customers', 'import', file, '--mapping', MAPPING, '--max-reject-rate', '50%')).code,
    ).toBe(0);
    const bad = await missive('customers', 'import', file, '--max-reject-rate', 'some');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-reject-rate must be a share/);
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
      'transaction_id,account_id,booking_date,description,amount\nT1,A2,2026-11-02,Shop,-1\nT2,A2,2026-02-30,Shop,-1\n',
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
    expect(
      (await missive('run', 'monthly-statement', '--as-of', '2026-11-30', '--max-failure-rate', '50%')).code,
    ).toBe(0);

    // A period whose feeds hold nobody's accounts: every customer fails, the run is not completed.
    for (const [feed, file] of [
      [
        'accounts',
        write(
          'none.csv',
          'account_id,customer_id,account_number,sort_code,iban,bic,currency,opening_balance,overdraft_limit\n',
        ),
      ],
      ['transactions', write('none-tx.csv', 'transaction_id,account_id,booking_date,description,amount\n')],
      ['account-history', history],
    ] as const) {
      await missive('feeds', 'load', 'monthly-statement', feed, file, '--as-of', '2026-12-31');
    }
    const none = await missive('run', 'monthly-statement', '--as-of', '2026-12-31');
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no document was made: every customer failed \(3\); the run is failed/);
    expect((await missive('runs', 'list')).stdout).toMatch(/as-of 2026-12-31\s+failed/);
  });
});
