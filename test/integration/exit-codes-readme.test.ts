import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as exitCodes from '../../src/cli/exit-codes.ts';
import { cliStartEnv } from '../support/cli-start.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The README's exit-code table: code → meaning. */
function readmeExitCodes(): Map<number, string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('Exit codes (for schedulers');
  expect(at, 'README has its exit-code table').toBeGreaterThan(-1);
  const table = readme.slice(at).split('\n\n')[1] ?? '';
  const rows = new Map<number, string>();
  for (const line of table.split('\n')) {
    const m = /^\|\s*(\d+)\s*\|\s*(.*?)\s*\|$/.exec(line);
    if (m) rows.set(Number(m[1]), m[2]!);
  }
  return rows;
}

/**
 * Issue 18 item 3: the README's exit-code table is the code's (src/cli/exit-codes.ts), and the
 * CLI keeps it — bad usage of every kind is 2, with "did you mean" where a name was misspelt; a run
 * over an empty store says to import customers first and exits 1.
 */
describe('exit codes: README, code and CLI agree', () => {
  let dir: string;
  type Result = { code: number; stdout: string; stderr: string };
  const missive = async (...args: string[]): Promise<Result> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MISSIVE_DATA_DIR: dir,
      MISSIVE_LOG_LEVEL: 'silent',
      ...cliStartEnv(),
      REDIS_URL: inject('redisUrl'),
    };
    delete env.DATABASE_URL;
    try {
      return {
        code: 0,
        ...(await exec('node', [path.join(ROOT, 'bin', 'missive.js'), ...args], { env, cwd: ROOT })),
      };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-exit-readme-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the README table has exactly the codes exit-codes.ts defines, with their meanings', async () => {
    const table = readmeExitCodes();
    const defined = Object.entries(exitCodes)
      .filter(([name, value]) => name.startsWith('EXIT_') && typeof value === 'number')
      .map(([, value]) => value as number)
      .sort();
    expect([...table.keys()].sort()).toEqual(defined);
    expect(table.get(exitCodes.EXIT_OK)).toMatch(/^done:/);
    expect(table.get(exitCodes.EXIT_FAILURE)).toMatch(/^failed:/);
    expect(table.get(exitCodes.EXIT_USAGE)).toMatch(/^bad usage:/);
    expect(table.get(exitCodes.EXIT_PARTIAL)).toMatch(/^done with failures:/);
    // What row 1 and row 2 promise, below, by running the CLI.
    expect(table.get(exitCodes.EXIT_FAILURE)).toContain('no customers');
    expect(table.get(exitCodes.EXIT_USAGE)).toMatch(
      /unknown command or option.*bad option value.*name that does not exist/,
    );
    // `missive --help` says the same four.
    const help = (await missive('--help')).stdout;
    for (const [code, meaning] of table)
      expect(help).toContain(`${code} ${meaning.split(/[:,]/)[0]!.split(' ')[0]}`);
  });

  it('every kind of bad usage exits 2, a misspelt name with the closest', async () => {
    const cases: [string[], RegExp][] = [
      [['runz'], /unknown command 'runz'[\s\S]*Did you mean one of run, runs\?/],
      [['runs', 'lst'], /Did you mean list\?/],
      [['customers', 'import'], /missing required argument/],
      [['run', 'monthly-statement', '--bogus'], /unknown option '--bogus'/],
      [['run', 'monthly-statement', '--as-of', '2026-02-30'], /--as-of must be a date/],
      [['run', 'monthly-statement', '--all', '--segment', 'young'], /give one source of customers/],
      [['print-streams', 'run_x', '--size', 'lots'], /--size must be a positive integer/],
      [['customers', 'import', 'x.csv', '--encoding', 'klingon'], /--encoding: unknown encoding "klingon"/],
      [['customers', 'import', 'x.csv', '--as-of', '2026-13-45'], /--as-of must be a date/],
      [['preview', 'monthly-statment'], /Did you mean templates\/monthly-statement\?/],
      [
        ['templates', 'publish', 'templates/monthly-statment'],
        /Did you mean \S*templates\/monthly-statement\?/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await missive(...args);
      expect(r.code, args.join(' ')).toBe(exitCodes.EXIT_USAGE);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('a run over an empty store says to import customers first and exits 1', async () => {
    const r = await missive('run', 'monthly-statement', '--as-of', '2026-10-31');
    expect(r.code).toBe(exitCodes.EXIT_FAILURE);
    expect(r.stderr).toMatch(
      /the store has no customers.*import customers first.*missive customers import FILE/,
    );
    expect(r.stdout).not.toContain('already complete');
  });
});
