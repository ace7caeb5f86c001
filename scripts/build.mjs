#!/usr/bin/env node
// Compiles src/ to dist/ (tsconfig.build.json), the JavaScript `bin/missive.js` runs.
//   node scripts/build.mjs            `npm run build`: type-checks, emits JavaScript and declarations
//   node scripts/build.mjs --if-stale  the install step (scripts/bootstrap.sh, `prepare`): only when dist/ is
//                                      missing or older than src/, JavaScript only, no type check (tsc
//                                      --noCheck: ~6 s instead of ~15 s; `npm run typecheck` checks types)
// The output is built in a fresh folder and swapped in at the end, so a CLI started during a build runs
// either the old dist/ or the new one, never half of each. Files that are not TypeScript (the worker
// shims *.mjs, the UI's stylesheet and script) are copied as they are. dist/.build-stamp is dated when
// the build started: a source saved during the build leaves dist/ stale, as it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findStaleSource, STAMP } from '../bin/dist-freshness.mjs';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const ifStale = process.argv.includes('--if-stale');

if (ifStale && !findStaleSource(root).stale) process.exit(0);

let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // A production install without devDependencies: nothing to build with; the CLI says so when it starts.
  console.error('missive: typescript is not installed; dist/ not built (`npm install` installs it)');
  process.exit(ifStale ? 0 : 1);
}

const started = new Date();
const out = path.join(root, `.dist-build-${process.pid}`);
fs.rmSync(out, { recursive: true, force: true });
const args = [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out];
if (ifStale) args.push('--noCheck', '--declaration', 'false');
if (ifStale) console.error('missive: compiling src/ to dist/ (npm run build)');
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  fs.rmSync(out, { recursive: true, force: true });
  console.error(
    'missive: the build failed; dist/ is unchanged (the CLI runs the sources through tsx meanwhile)',
  );
  process.exit(ifStale ? 0 : (result.status ?? 1));
}
copyNonTypeScript(src, out);
fs.writeFileSync(
  path.join(out, STAMP),
  `${JSON.stringify({ builtFrom: 'src', started: started.toISOString() })}\n`,
);
fs.utimesSync(path.join(out, STAMP), started, started);

const old = `${dist}.old-${process.pid}`;
if (fs.existsSync(dist)) fs.renameSync(dist, old);
try {
  fs.renameSync(out, dist);
} catch (err) {
  // Another build swapped its dist/ in between our two renames: it is as new as ours; keep it.
  if (!fs.existsSync(dist)) throw err;
  fs.rmSync(out, { recursive: true, force: true });
}
fs.rmSync(old, { recursive: true, force: true });

/** Copies every file under `from` that tsc does not emit (not .ts) to the same place under `to`. */
function copyNonTypeScript(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyNonTypeScript(source, target);
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}
