import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const fixture = (name: string) => path.join(root, 'test', 'fixtures', name);

/** What an installation owns (copied, so this test's build and mtimes are its own); the rest is linked. */
const COPIED = ['bin', 'src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const LEFT_OUT = new Set(['.git', 'dist', 'coverage', '.missive']);

/**
 * The `missive` command as installed: a copy of the checkout built with the install step
 * (scripts/build.mjs --if-stale), so bin/missive.js runs dist/ — not the TypeScript sources through
 * tsx — whatever other edits the shared checkout sees meanwhile.
 */
describe('the compiled missive command (dist/)', () => {
  let install: string;
  let dataDir: string;
  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'silent' };
    for (const name of ['REDIS_URL', 'DATABASE_URL', 'MISSIVE_FROM_SOURCE']) delete e[name];
    return e;
  };
  const missive = (...args: string[]) =>
    run('node', [path.join(install, 'bin', 'missive.js'), ...args], { env: env(), cwd: dataDir });
  const build = () =>
    run('node', [path.join(install, 'scripts', 'build.mjs'), '--if-stale'], { cwd: install });

  beforeAll(async () => {
    install = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-install-'));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-dist-data-'));
    for (const name of fs.readdirSync(root)) {
      if (LEFT_OUT.has(name) || name.startsWith('.dist-build-') || name.startsWith('dist.old-')) continue;
      const from = path.join(root, name);
      if (COPIED.includes(name)) fs.cpSync(from, path.join(install, name), { recursive: true });
      else fs.symlinkSync(from, path.join(install, name));
    }
    const built = await build();
    expect(built.stderr).toContain('compiling src/ to dist/');
  }, 300_000);
  afterAll(() => {
    fs.rmSync(install, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds JavaScript next to the worker entry shims and the UI assets', () => {
    for (const file of [
      'cli/index.js',
      'customers/feeds/parse-thread.mjs',
      'customers/feeds/parse-thread.js',
      'render/guard/render-thread.mjs',
      'batch/workers/render-sandbox.mjs',
      'api/ui/assets/app.css',
      '.build-stamp',
    ]) {
      expect(fs.existsSync(path.join(install, 'dist', file)), file).toBe(true);
    }
  });

  it('prints its version from dist/ with nothing on stderr', async () => {
    const { stdout, stderr } = await missive('--version');
    expect(stdout.trim()).toBe('0.1.0');
    expect(stderr).toBe('');
  });

  it('imports customers and shows one', async () => {
    const imported = await missive(
      'customers',
      'import',
      fixture('customers-bank-20.csv'),
      '--mapping',
      path.join(root, 'examples/bank-marketing/mapping.json'),
    );
    expect(imported.stdout).toContain('20 rows — 20 new');
    const shown = await missive('customers', 'show', '1');
    expect(shown.stdout).toMatch(/^customer 1 \(/);
    expect(shown.stderr).toBe('');
  });

  it('runs the demo: feeds parsed in a worker thread, documents rendered in sandboxed processes', async () => {
    const { stdout, stderr } = await missive(
      'demo',
      '--customers',
      fixture('customers-bank-20.csv'),
      '--mapping',
      path.join(root, 'examples/bank-marketing/mapping.json'),
      '--as-of',
      '2026-10-31',
    );
    // The bank's extracts come from examples/bank-statements/generate.ts, loaded through tsx.
    expect(stdout).toMatch(/bank extracts for 2026-10-31: [\d,]+ rows for 20 customers/);
    expect(stdout).toMatch(/template monthly-statement[\s\S]*documents\s+\d+ archived, \d+ sent/);
    expect(stderr).not.toContain('through tsx');
  }, 240_000);

  it('says in one line when a source is newer than dist/, runs the sources, and the install step rebuilds', async () => {
    const source = path.join(install, 'src', 'cli', 'exit-codes.ts');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(source, later, later);
    const stale = await missive('--version');
    expect(stale.stdout.trim()).toBe('0.1.0');
    expect(stale.stderr).toMatch(
      /^missive: src\/cli\/exit-codes\.ts changed after dist\/ was built; .*npm run build/,
    );
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);

    // A build dated before the edit is still stale; wait until the edit is in the past, then rebuild.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, later.getTime() - Date.now() + 50)));
    await build();
    const fresh = await missive('--version');
    expect(fresh.stderr).toBe('');
  }, 300_000);
});
