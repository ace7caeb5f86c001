/**
 * CLI start-up: wall time of `missive --version` and `missive customers show ID` (a real command:
 * config, the SQLite store and its migrations check, one customer and their communications) as a
 * person runs them — `node bin/missive.js` in its own process — against `node -e 0` in the same run.
 * The three are timed in turns, RUNS times each after one unmeasured warm-up, so load from other
 * processes falls on all of them alike; min / median / max.
 *
 *   node --import tsx bench/startup.ts        (also part of `npm run bench`; BENCH_ONLY=startup)
 *
 * bin/missive.js runs the compiled dist/ (built first when stale, as the install step does). A run
 * that fell back to the sources (an edit landed in src/ meanwhile) is detected by its stderr line,
 * dist/ is rebuilt and the turn measured again, so the figures are dist/'s. The tsx fallback is
 * timed too (MISSIVE_FROM_SOURCE=1), for comparison.
 *
 * Goals (issue 18): median ≤ 0.4 s for --version, ≤ 0.8 s for customers show.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'bin', 'missive.js');
const FELL_BACK = 'running the sources through tsx';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface StartupFigures {
  runs: number;
  loadAverage: number;
  node: Spread;
  version: Spread;
  customersShow: Spread;
  /** The same two commands through the tsx fallback (what a stale checkout runs). */
  fromSource: { version: Spread; customersShow: Spread };
  /** Turns measured again because an edit in src/ made dist/ stale mid-run. */
  rebuilds: number;
}

export const STARTUP_GOALS = { version: 0.4, customersShow: 0.8 } as const;

/** Seconds one process took from spawn to exit; throws when it fails. */
function timed(args: string[], env: NodeJS.ProcessEnv): { seconds: number; stderr: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stderr: r.stderr };
}

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]! };
}

function build(): void {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--if-stale'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('scripts/build.mjs failed');
}

export function benchStartup(): StartupFigures {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-startup-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'silent' };
  for (const name of ['REDIS_URL', 'DATABASE_URL', 'MISSIVE_FROM_SOURCE']) delete env[name];
  const sourceEnv = { ...env, MISSIVE_FROM_SOURCE: '1' };
  try {
    build();
    const sample = path.join(root, 'examples', 'customers-sample.csv');
    const mapping = path.join(root, 'examples', 'bank-marketing', 'mapping.json');
    timed([BIN, 'customers', 'import', sample, '--mapping', mapping], env);
    const commands = {
      node: ['-e', '0'],
      version: [BIN, '--version'],
      customersShow: [BIN, 'customers', 'show', '1'],
    };
    const times = { node: [] as number[], version: [] as number[], customersShow: [] as number[] };
    const source = { version: [] as number[], customersShow: [] as number[] };
    let rebuilds = 0;
    for (let turn = -1; turn < RUNS; turn += 1) {
      const t = {
        node: timed(commands.node, env),
        version: timed(commands.version, env),
        customersShow: timed(commands.customersShow, env),
      };
      if (t.version.stderr.includes(FELL_BACK) || t.customersShow.stderr.includes(FELL_BACK)) {
        if (++rebuilds > 20) throw new Error('dist/ keeps going stale: src/ is being edited');
        build();
        turn -= 1;
        continue;
      }
      const s = {
        version: timed(commands.version, sourceEnv),
        customersShow: timed(commands.customersShow, sourceEnv),
      };
      if (turn < 0) continue; // warm-up: the file cache, tsx's transform cache
      for (const k of ['node', 'version', 'customersShow'] as const) times[k].push(t[k].seconds);
      source.version.push(s.version.seconds);
      source.customersShow.push(s.customersShow.seconds);
    }
    return {
      runs: RUNS,
      loadAverage: os.loadavg()[0]!,
      node: spread(times.node),
      version: spread(times.version),
      customersShow: spread(times.customersShow),
      fromSource: { version: spread(source.version), customersShow: spread(source.customersShow) },
      rebuilds,
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printStartup(f: StartupFigures): void {
  const s = (x: Spread) => `${x.min.toFixed(2)} / ${x.median.toFixed(2)} / ${x.max.toFixed(2)} s`;
  const goal = (x: Spread, limit: number) =>
    `≤ ${limit} s median: ${x.median <= limit ? 'met' : `**missed** by ${(x.median - limit).toFixed(2)} s`}`;
  console.log(
    `\nCLI start-up — ${f.runs} runs each, in turns, load average ${f.loadAverage.toFixed(1)} on ${os.availableParallelism()} cores${f.rebuilds ? ` (${f.rebuilds} turn(s) redone after a rebuild)` : ''}\n`,
  );
  console.log('| command | min / median / max | goal |');
  console.log('|---|---|---|');
  console.log(`| \`node -e 0\` (the floor) | ${s(f.node)} | |`);
  console.log(`| \`missive --version\` | ${s(f.version)} | ${goal(f.version, STARTUP_GOALS.version)} |`);
  console.log(
    `| \`missive customers show 1\` | ${s(f.customersShow)} | ${goal(f.customersShow, STARTUP_GOALS.customersShow)} |`,
  );
  console.log(`| \`missive --version\`, sources through tsx (stale dist/) | ${s(f.fromSource.version)} | |`);
  console.log(`| \`missive customers show 1\`, sources through tsx | ${s(f.fromSource.customersShow)} | |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printStartup(benchStartup());
}
