import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/hash.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const fixture = (name: string) => path.join(root, 'test', 'fixtures', name);

/** The `missive` command as a person runs it: its own process, the embedded redis-server, a data folder. */
describe('the missive command', () => {
  let dataDir: string;
  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'silent' };
    delete e.REDIS_URL;
    delete e.DATABASE_URL;
    return e;
  };
  const missive = (...args: string[]) =>
    run('node', [path.join(root, 'bin', 'missive.js'), ...args], { env: env(), cwd: dataDir });
  const fails = (...args: string[]) =>
    missive(...args).then(
      () => expect.unreachable('the command should fail'),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lists every command with a one-line description', async () => {
    const { stdout } = await missive('--help');
    for (const command of ['demo', 'customers', 'templates', 'run', 'runs', 'documents']) {
      expect(stdout).toMatch(new RegExp(`\\n  ${command}\\b.*\\S`));
    }
  });

  it('runs the demo end to end and, run again, adds nothing', async () => {
    const args = [
      'demo',
      '--customers',
      fixture('customers-bank-20.csv'),
      '--mapping',
      path.join(root, 'examples/bank-marketing/mapping.json'),
      '--as-of',
      '2026-10-31',
    ];
    const first = await missive(...args);
    expect(first.stdout).toContain('20 rows — 20 new');
    // The statement (paper, or email with e-delivery) and the campaign (email, SMS or paper).
    expect(first.stdout).toMatch(
      /template monthly-statement[\s\S]*documents\s+\d+ archived, \d+ sent, 0 failed/,
    );
    expect(first.stdout).toMatch(
      /template cross-sell-promotion[\s\S]*documents\s+\d+ archived, \d+ sent, .*0 failed/,
    );
    expect(first.stdout).toMatch(/where they went:\n\s+email\s+\d+ sent\n\s+print\s+\d+ archived/);
    expect(first.stdout).toMatch(/the sinks received [1-9]\d* email\(s\)/);
    expect(first.stdout).toMatch(/documents\/s\s+\d/);
    const lookup = first.stdout.match(/missive documents get (com_\w+)/);
    expect(lookup).not.toBeNull();

    const second = await missive(...args);
    expect(second.stdout).toContain('20 unchanged');
    expect(second.stdout).toContain('already complete: nothing new to do');
    expect(second.stdout).toMatch(/documents\s+\d+ archived, \d+ sent, 0 failed/);
    expect(second.stdout).toMatch(/the sinks received 0 email\(s\) .* and 0 SMS/);

    const out = path.join(dataDir, 'statement.pdf');
    const got = await missive('documents', 'get', lookup![1]!, '--out', out);
    const bytes = fs.readFileSync(out);
    expect(got.stdout).toContain(`sha256 ${sha256Hex(bytes)} (verified)`);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000); // two runs (statement and campaign) that send into the sinks

  it('refuses a document whose archived bytes were altered', async () => {
    const { stdout } = await missive('customers', 'show', '1');
    const id = stdout.match(/(com_\w+)/)![1]!;
    const sha = stdout.match(/sha256 ([0-9a-f]{16})/)![1]!;
    const blob = fs
      .readdirSync(path.join(dataDir, 'archive', 'sha256'), { recursive: true, withFileTypes: true })
      .find((d) => d.isFile() && d.name.startsWith(sha))!;
    const file = path.join(blob.parentPath, blob.name);
    fs.chmodSync(file, 0o644);
    fs.appendFileSync(file, 'tampered');
    const err = await fails('documents', 'get', id, '--out', path.join(dataDir, 'x.pdf'));
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('MSV_ARCHIVE_TAMPERED');
  });

  it('names each bad line of an import, imports the rest and exits 3', async () => {
    const out = await fails(
      'customers',
      'import',
      fixture('customers-bad-rows.csv'),
      '--mapping',
      fixture('customers-bad-rows.mapping.json'),
    );
    expect(out.code).toBe(3);
    expect(out.stdout).toContain(
      'customers-bad-rows.csv (csv): 12 rows — 4 new, 0 updated, 0 unchanged, 8 rejected',
    );
    expect(out.stdout).toMatch(/line 3: expected 8 columns, found 7/);
    expect(out.stdout).toMatch(/line 4 balance: not a number/);
    expect(out.stdout).toMatch(/line 5 name: invalid UTF-8/);
    expect(out.stdout).toMatch(/line 6 customer_id: empty id/);
    expect(out.stdout).toMatch(/every reject: .*rejects\.csv/);
  });

  it('says what is wrong with a bad option, without a stack trace: exit 2, bad usage', async () => {
    const err = await fails('run', 'monthly-statement', '--as-of', '2026-02-30');
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('--as-of must be a date YYYY-MM-DD');
    expect(err.stderr).not.toContain('    at ');
  });
  it('lints template packages: clean for the shipped one, a misspelt variable named with its file and exit 1', async () => {
    const ok = await missive('templates', 'lint', path.join(root, 'templates', 'monthly-statement'));
    expect(ok.stdout).toContain('monthly-statement: 0 error(s)');
    const draft = path.join(dataDir, 'drafts', 'monthly-statement');
    fs.cpSync(path.join(root, 'templates', 'monthly-statement'), draft, { recursive: true });
    const strings = path.join(draft, 'locales', 'en-GB.json');
    fs.writeFileSync(
      strings,
      fs.readFileSync(strings, 'utf8').replace('Dear {{customer.name}}', 'Dear {{customer.nmae}}'),
    );
    const err = await fails('templates', 'lint', draft);
    expect(err.code).toBe(1);
    expect((err as unknown as { stdout: string }).stdout).toMatch(
      /error \[en-GB print\]: locales\/en-GB\.json .*customer\.nmae/,
    );
  });

  it('previews a draft folder and a published template for a stored customer', async () => {
    const draftOut = path.join(dataDir, 'draft.pdf');
    const draft = await missive(
      'preview',
      path.join(root, 'templates', 'monthly-statement'),
      '--out',
      draftOut,
    );
    expect(draft.stdout).toMatch(/monthly-statement print en-GB, \d+ bytes, \d page/);
    expect(fs.readFileSync(draftOut).subarray(0, 5).toString()).toBe('%PDF-');
    const shown = await missive('customers', 'show', '2');
    // The statement's paper copy (customer 2 may also have had the campaign by email).
    const [, runId, sha] = shown.stdout.match(/print\s+archived\s+run (run_\w+) sha256 ([0-9a-f]{16})/)!;
    const mine = await missive(
      'preview',
      'monthly-statement',
      '--customer',
      '2',
      '--run',
      runId!,
      '--as-of',
      '2026-10-31',
      '--out',
      path.join(dataDir, 'c2.pdf'),
    );
    expect(mine.stdout).toContain('monthly-statement print');
    // The preview of a published version for a customer and run is the very document the run archived.
    expect(sha256Hex(fs.readFileSync(path.join(dataDir, 'c2.pdf')))).toMatch(new RegExp(`^${sha}`));
  });
});
