/**
 * End to end: a monthly-statement run over N synthetic bank customers (BENCH_E2E_CUSTOMERS, default
 * 45,211, the size of the bank run; 1,000,000 for the issue's big run), their statements' feeds
 * written by the example bank (examples/bank-statements) and loaded first (not timed), exactly as `missive run` does it — embedded Redis,
 * sandboxed render processes, decisions, archive, ledger, email to the SMTP sink, run closed and
 * reconciled — against the pure render rate of the same documents (same customers, channels and
 * offers, read back from the run's decisions), rendered by as many threads as the run has render
 * processes, with nothing else — bare, and through the guarded renderer the run uses (a render thread
 * with per-document caps). Redis memory is sampled through the run (flat = jobs are trimmed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import { generateBankStatementFeeds } from '../examples/bank-statements/generate.ts';
import { executeRun } from '../src/batch/execute-run.ts';
import { buildRunReport } from '../src/batch/run-report.ts';
import { runIdFor } from '../src/batch/run-request.ts';
import { renderChannelFor } from '../src/batch/workers/render-chunk.ts';
import { closeChannels, createChannels } from '../src/channels/registry.ts';
import { startLocalChannels } from '../src/cli/local-channels.ts';
import { SHIPPED } from '../src/cli/project-paths.ts';
import { batchDeps } from '../src/cli/run-with-progress.ts';
import { openQueueRuntime, type QueueRuntime } from '../src/cli/runtime.ts';
import { loadConfig } from '../src/core/config.ts';
import type { ChannelKind } from '../src/core/types.ts';
import {
  documentDataProvider,
  importCustomers,
  loadFeed,
  requireDataSource,
} from '../src/customers/index.ts';
import { loadPublishedCatalog } from '../src/rules/context-loader.ts';
import type { Decision } from '../src/rules/decision.ts';
import { offerContentFor } from '../src/rules/offer-content.ts';
import { publishCatalogDir } from '../src/rules/publish.ts';
import { listCustomersAfter, upsertCustomers } from '../src/store/customers.ts';
import { getDecision } from '../src/store/decisions.ts';
import type { Database } from '../src/store/index.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { publishTemplatePackage } from '../src/templates/publish.ts';
import type { DocumentData } from '../src/templates/types.ts';
import type { ReferenceJob } from './pure-render-thread.ts';
import { writeSyntheticCustomers } from './synthetic-customers.ts';

const AS_OF = '2026-10-31';

export interface EndToEndFigures {
  customers: number;
  importRowsPerSecond: number;
  endToEndPerSecond: number;
  wallSeconds: number;
  /** The render stage alone (until every customer had a ledger row), as `missive run` prints it. */
  renderStagePerSecond: number;
  pureRenderPerSecond: number;
  /** The same documents through the run's render path: a guarded renderer (render thread, caps) per process. */
  guardedRenderPerSecond: number;
  referenceDocs: number;
  renderProcesses: number;
  reconciled: boolean;
  byChannel: Record<string, Record<string, number>>;
  redisMemory: { minute: number; usedMb: number; keys: number }[];
}

export async function benchEndToEnd(root: string, bankFile: string): Promise<EndToEndFigures> {
  const customers = Number(process.env.BENCH_E2E_CUSTOMERS ?? 45_211);
  const referenceDocs = Math.min(customers, Number(process.env.BENCH_E2E_REFERENCE ?? 2_000));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-e2e-'));
  const say = (text: string) => process.stderr.write(`[e2e] ${text}\n`);
  const rt = await openQueueRuntime(
    loadConfig({ ...process.env, MISSIVE_DATA_DIR: dir, MISSIVE_LOG_LEVEL: 'warn', REDIS_URL: undefined }),
  );
  try {
    const file = path.join(dir, 'customers.csv');
    await writeSyntheticCustomers(bankFile, customers, file);
    let start = performance.now();
    await importCustomers({
      file,
      mapping: path.join(root, 'examples', 'bank-marketing', 'mapping.json'),
      batchSize: 2_000,
      sink: (batch) => upsertCustomers(rt.store.db, batch),
    });
    const importRowsPerSecond = customers / ((performance.now() - start) / 1000);
    say(`imported ${customers} synthetic customers (${importRowsPerSecond.toFixed(0)} rows/s)`);
    // The statements render from the bank's month-end extracts: written and loaded before the run.
    const datasource = await requireDataSource(rt.config.datasourcesDir, 'monthly-statement');
    const extracts = await generateBankStatementFeeds({
      customersFile: file,
      mappingFile: path.join(root, 'examples', 'bank-marketing', 'mapping.json'),
      asOf: AS_OF,
      outDir: path.join(dir, 'feeds'),
    });
    for (const written of extracts.files.filter((f) => f.datasource === datasource.name)) {
      await loadFeed({ db: rt.store.db, datasource, feed: written.feed, file: written.file, asOf: AS_OF });
    }
    say(`loaded the statement feeds: ${extracts.rows} rows written for ${extracts.customers} customers`);
    await publishCatalogDir(rt.store.db, SHIPPED.bankCatalog, AS_OF);
    const template = await publishTemplatePackage(rt.store.db, SHIPPED.statementTemplate);
    const request = {
      communicationType: template.name,
      templateVersionId: template.id,
      asOf: AS_OF,
      source: 'store:all',
    };

    const local = await startLocalChannels(rt);
    const channels = createChannels(local.sinks.channelConfig(rt.config.channels));
    const redisMemory = sampleRedisMemory(rt);
    let renderStageSeconds = 0;
    start = performance.now();
    let lastSaid = start;
    try {
      await executeRun({ ...batchDeps(rt), channels }, request, (p) => {
        if (p.done >= p.total && renderStageSeconds === 0)
          renderStageSeconds = (performance.now() - start) / 1000;
        if (performance.now() - lastSaid > 60_000) {
          lastSaid = performance.now();
          say(`${p.done}/${p.total} rendered, ${p.ratePerSecond.toFixed(1)}/s`);
        }
      });
    } finally {
      redisMemory.stop();
      await closeChannels(channels);
      await local.close();
    }
    const wallSeconds = (performance.now() - start) / 1000;
    const runId = runIdFor(request);
    const report = await buildRunReport(rt.store.db, runId);
    say(
      `run ${runId}: ${wallSeconds.toFixed(1)} s, reconciliation ${report.reconciliation.balanced ? 'balanced' : 'NOT balanced'}`,
    );

    const renderProcesses = rt.config.renderSandbox ? rt.config.concurrency : 1;
    const { manifest } = await loadTemplatePackage(SHIPPED.statementTemplate);
    const jobs = await referenceJobs(
      { db: rt.store.db, datasourcesDir: rt.config.datasourcesDir },
      runId,
      manifest.channels,
      referenceDocs,
    );
    const pureRenderPerSecond = await pureRenderRate(SHIPPED.statementTemplate, jobs, renderProcesses, false);
    const guardedRenderPerSecond = await pureRenderRate(
      SHIPPED.statementTemplate,
      jobs,
      renderProcesses,
      true,
    );
    return {
      customers,
      importRowsPerSecond,
      endToEndPerSecond: customers / wallSeconds,
      wallSeconds,
      renderStagePerSecond: customers / (renderStageSeconds || wallSeconds),
      pureRenderPerSecond,
      guardedRenderPerSecond,
      referenceDocs: jobs.length,
      renderProcesses,
      reconciled: report.reconciliation.balanced,
      byChannel: report.byChannel,
      redisMemory: redisMemory.samples,
    };
  } finally {
    await rt.close();
    // BENCH_E2E_KEEP=1 keeps the run's data folder (store, archive, sinks) to look into afterwards.
    if (process.env.BENCH_E2E_KEEP) say(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The run's first customers with the channel and offers their stored decision gave them. */
export async function referenceJobs(
  rt: { db: Kysely<Database>; datasourcesDir: string },
  runId: string,
  templateChannels: readonly ChannelKind[],
  count: number,
): Promise<ReferenceJob[]> {
  const catalog = (await loadPublishedCatalog(rt.db)).catalog;
  const customers = await listCustomersAfter(rt.db, null, count);
  // The document data the run rendered, from the same loaded feeds: the threads only render.
  const provider = documentDataProvider({
    db: rt.db,
    datasource: await requireDataSource(rt.datasourcesDir, 'monthly-statement'),
  });
  const assembled = await provider.assemble(customers, AS_OF);
  const jobs: ReferenceJob[] = [];
  for (const customer of customers) {
    const decision = (await getDecision<Decision>(rt.db, runId, customer.id))?.decision;
    const found = assembled.get(customer.id);
    if (!decision || decision.suppressed || !found?.ok) continue;
    const channel = renderChannelFor(decision, templateChannels);
    jobs.push({
      customer,
      data: found.data as DocumentData,
      channel,
      offers: offerContentFor(decision, catalog, customer.locale, channel),
    });
  }
  return jobs;
}

/** `threads` threads render their share of `jobs` at once; documents per second of wall time. */
export async function pureRenderRate(
  templateDir: string,
  jobs: ReferenceJob[],
  threads: number,
  guarded: boolean,
): Promise<number> {
  return (await pureRenderMeasure(templateDir, jobs, threads, guarded)).perSecond;
}

/**
 * The same, with the process's CPU seconds over the timed part (this thread only waits then, so it
 * is the render threads' CPU, their garbage collection included): CPU per document, which the load
 * of other processes on a shared machine changes far less than the wall-clock rate.
 */
export async function pureRenderMeasure(
  templateDir: string,
  jobs: ReferenceJob[],
  threads: number,
  guarded: boolean,
): Promise<{ perSecond: number; cpuSeconds: number }> {
  const shares = Array.from({ length: threads }, (_, t) => jobs.filter((_, i) => i % threads === t));
  const workers = shares.map(
    (share) =>
      new Worker(new URL('./pure-render-thread.mjs', import.meta.url), {
        workerData: { templateDir, asOf: AS_OF, jobs: share, guarded },
      }),
  );
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
    const start = performance.now();
    const cpu = process.cpuUsage();
    const done = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
    for (const w of workers) w.postMessage('go');
    await Promise.all(done);
    const used = process.cpuUsage(cpu);
    return {
      perSecond: jobs.length / ((performance.now() - start) / 1000),
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Redis's used memory and key count once a minute (and at the start and the end). */
function sampleRedisMemory(rt: QueueRuntime): {
  samples: EndToEndFigures['redisMemory'];
  stop(): void;
} {
  const redis = rt.connect();
  const samples: EndToEndFigures['redisMemory'] = [];
  const t0 = Date.now();
  const sample = async () => {
    const info = await redis.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    samples.push({
      minute: (Date.now() - t0) / 60_000,
      usedMb: used / 1024 / 1024,
      keys: await redis.dbsize(),
    });
  };
  void sample();
  const timer = setInterval(() => void sample().catch(() => undefined), 60_000);
  return {
    samples,
    stop() {
      clearInterval(timer);
      void sample().catch(() => undefined);
    },
  };
}
