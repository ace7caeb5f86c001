/**
 * The scaling curve (issue 24 item 4), `BENCH_ONLY=scaling npm run bench`: documents/s with 1 and 2
 * render threads rendering the same statements (pure render: nothing else), and an end-to-end
 * statement run with 1 and then 2 `missive worker` processes against one shared redis-server and
 * PostgreSQL (bench/scaling-run.ts), same customers (BENCH_SCALING_CUSTOMERS, default 4,000). Each
 * run's CPU is split by process (/proc), with PostgreSQL's row writes per document and Redis memory.
 * Order 1, 2, 2, 1 workers (BENCH_SCALING_PLAN; pure render: 1, 2, 2, 1 threads), so that load from other sessions drifting over
 * the minutes falls on both sides alike; the load average is printed beside every run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHIPPED } from '../src/cli/project-paths.ts';
import { loadConfig } from '../src/core/config.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { startPostgres } from '../test/servers/postgres.ts';
import { pureRenderMeasure, referenceJobs } from './end-to-end.ts';
import type { ReferenceJob } from './pure-render-thread.ts';
import { prepareBaseDatabase } from './scaling-base.ts';
import { type EndToEndSample, measureEndToEnd } from './scaling-run.ts';

export interface ScalingFigures {
  customers: number;
  pureRender: { threads: number; documentsPerSecond: number; cpuMsPerDocument: number; load: number }[];
  endToEnd: EndToEndSample[];
  /** Mean documents/s: pure render with 1 and 2 threads, end to end with 1 and 2 workers. */
  pure1: number;
  pure2: number;
  e2e1: number;
  e2e2: number;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export async function benchScaling(root: string, bankFile: string): Promise<ScalingFigures> {
  const customers = Number(process.env.BENCH_SCALING_CUSTOMERS ?? 4_000);
  const renderDocs = Number(process.env.BENCH_SCALING_RENDER_DOCS ?? 600);
  const say = (text: string) => process.stderr.write(`[scaling] ${new Date().toISOString()} ${text}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-scaling-base-'));
  const postgres = await startPostgres();
  try {
    const base = await prepareBaseDatabase(postgres.url, bankFile, customers, work, say);
    const endToEnd: EndToEndSample[] = [];
    let jobs: ReferenceJob[] = [];
    const run = async (workers: number, label: string, keepJobs = false) => {
      say(`end to end, ${workers} worker(s), load ${os.loadavg()[0]!.toFixed(1)}…`);
      const sample = await measureEndToEnd(postgres.url, base, workers, label, async (store, runId) => {
        if (!keepJobs) return;
        const { manifest } = await loadTemplatePackage(SHIPPED.statementTemplate);
        const { datasourcesDir } = loadConfig({ ...process.env, MISSIVE_DATA_DIR: work });
        jobs = await referenceJobs({ db: store.db, datasourcesDir }, runId, manifest.channels, renderDocs);
      });
      say(`  ${sample.documentsPerSecond.toFixed(1)} docs/s in ${sample.wallSeconds.toFixed(1)} s`);
      endToEnd.push(sample);
    };
    // BENCH_SCALING_PLAN: the workers of each end-to-end run, in order (the first also feeds the pure render).
    const plan = (process.env.BENCH_SCALING_PLAN ?? '1,2,2,1').split(',').map(Number);
    await run(plan[0]!, 'a', true);
    const pureRender: ScalingFigures['pureRender'] = [];
    for (const threads of [1, 2, 2, 1]) {
      const load = os.loadavg()[0]!;
      const m = await pureRenderMeasure(SHIPPED.statementTemplate, jobs, threads, false);
      const cpuMsPerDocument = (m.cpuSeconds / jobs.length) * 1000;
      say(
        `pure render, ${threads} thread(s): ${m.perSecond.toFixed(1)} docs/s, ${cpuMsPerDocument.toFixed(1)} CPU ms/doc`,
      );
      pureRender.push({ threads, documentsPerSecond: m.perSecond, cpuMsPerDocument, load });
    }
    for (const [i, workers] of plan.slice(1).entries()) await run(workers, `r${i}`);
    const counted = endToEnd.filter((e) => e.failedRows === 0);
    const rateOf = (xs: { documentsPerSecond: number }[]) => mean(xs.map((x) => x.documentsPerSecond));
    return {
      customers,
      pureRender,
      endToEnd,
      pure1: rateOf(pureRender.filter((p) => p.threads === 1)),
      pure2: rateOf(pureRender.filter((p) => p.threads === 2)),
      e2e1: rateOf(counted.filter((e) => e.workers === 1)),
      e2e2: rateOf(counted.filter((e) => e.workers === 2)),
    };
  } finally {
    await postgres.stop();
    fs.rmSync(work, { recursive: true, force: true });
    void root;
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const kb = (bytes: number) => (bytes / 1e3).toFixed(1);

export function printScaling(f: ScalingFigures): void {
  console.log(
    `\nScaling curve: ${f.customers} customers per end-to-end run (workers in this order: ${f.endToEnd.map((e) => e.workers).join(', ')})`,
  );
  console.log('\n| render threads | docs/s | CPU ms/doc | load (1 min) |\n|---|---|---|---|');
  for (const p of f.pureRender) {
    console.log(
      `| ${p.threads} | ${p.documentsPerSecond.toFixed(1)} | ${p.cpuMsPerDocument.toFixed(1)} | ${p.load.toFixed(1)} |`,
    );
  }
  console.log(
    '\n| workers | docs/s | wall s | CPU s: workers | redis | postgres | sinks | bench | cores busy | CPU ms/doc | row writes/doc | commits/doc | DB bytes/customer | Redis peak MB (server peak) | KB per in-flight chunk (chunks) | archive KB/customer | load before → after | reconciled |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const e of f.endToEnd) {
    const total =
      e.cpu.workers.reduce((s, x) => s + x, 0) + e.cpu.redis + e.cpu.postgres + e.cpu.sinks + e.cpu.bench;
    const perChunk = e.redis.chunksAtPeak
      ? `${kb((e.redis.peakBytes - e.redis.baselineBytes) / e.redis.chunksAtPeak)} (${e.redis.chunksAtPeak})`
      : 'n/a';
    console.log(
      `| ${e.workers} | ${e.documentsPerSecond.toFixed(1)} | ${e.wallSeconds.toFixed(1)} | ${e.cpu.workers.map((s) => s.toFixed(1)).join(' + ')} | ${e.cpu.redis.toFixed(1)} | ${e.cpu.postgres.toFixed(1)} | ${e.cpu.sinks.toFixed(1)} | ${e.cpu.bench.toFixed(1)} | ${(total / e.wallSeconds).toFixed(2)} | ${((total / e.customers) * 1000).toFixed(1)} | ${e.rowWritesPerDocument.toFixed(1)} | ${e.commitsPerDocument.toFixed(1)} | ${kb(e.databaseBytesPerCustomer)} KB | ${mb(e.redis.peakBytes)} (${mb(e.redis.serverPeakBytes)}) | ${perChunk} | ${kb(e.archiveBytesPerCustomer)} | ${e.loadBefore[0]!.toFixed(1)} → ${e.loadAfter[0]!.toFixed(1)} | ${e.reconciled ? 'yes' : 'NO'}${e.failedRows ? `, ${e.failedRows} FAILED (left out of the means)` : ''} |`,
    );
  }
  console.log(
    '\n| workers | MEMORY USAGE: waiting chunk (100 ids) | completed chunk | completed e-mail send | workers idle CPU s/s |\n|---|---|---|---|---|',
  );
  for (const e of f.endToEnd) {
    console.log(
      `| ${e.workers} | ${e.redis.waitingChunkBytes.toFixed(0)} B | ${e.redis.completedChunkBytes.toFixed(0)} B | ${e.redis.completedSendBytes.toFixed(0)} B | ${e.idleCpuPerSecond.toFixed(3)} |`,
    );
  }
  console.log(
    `\n- pure render: 2 threads ${f.pure2.toFixed(1)} vs 1 thread ${f.pure1.toFixed(1)} docs/s (×${(f.pure2 / f.pure1).toFixed(2)}); end to end: 2 workers ${f.e2e2.toFixed(1)} vs 1 worker ${f.e2e1.toFixed(1)} docs/s (×${(f.e2e2 / f.e2e1).toFixed(2)}); end to end / pure render: ${(f.e2e1 / f.pure1).toFixed(2)} (1), ${(f.e2e2 / f.pure2).toFixed(2)} (2)`,
  );
  console.log(
    `- cores busy = all processes' CPU seconds / wall seconds, on a machine of ${os.cpus().length} cores: near ${os.cpus().length} means the curve is limited by CPU; load average now ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
