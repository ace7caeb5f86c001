/**
 * One measured end-to-end statement run for the scaling benchmark (bench/scaling.ts): `workers`
 * `missive worker` processes (product defaults: render in a render thread, no sandbox, chunks of
 * 100) against one shared redis-server and one PostgreSQL, the run created in the database as
 * `missive run --detach` does and planned, rendered, sent and closed by the workers alone. Each run
 * gets a fresh copy of the base database, a fresh redis-server (its `used_memory_peak` is the run's)
 * and a fresh data folder (its archive), and `missive sinks` in a process of its own for the e-mails.
 * CPU is split by process from /proc: each worker, redis-server, PostgreSQL (postmaster and every
 * backend), the sinks, and this process (creates the run, polls it, samples Redis).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { startEmbeddedRedis } from '../src/batch/embedded-redis.ts';
import { DISPATCH_QUEUES, RENDER_QUEUE } from '../src/batch/queues.ts';
import { closeRedisClient, connectRedisClient, type RedisClient } from '../src/batch/redis-connection.ts';
import type { RunReport } from '../src/batch/run-report.ts';
import { runIdFor } from '../src/batch/run-request.ts';
import { openStoreAt, type Store } from '../src/store/db.ts';
import { countRunByChannel } from '../src/store/run-ledger-counts.ts';
import { createRunIfAbsent, getRun } from '../src/store/runs.ts';
import { spawnWorker, type WorkerProcess, waitFor } from '../test/support/worker-process.ts';
import { parentOf, treeCpuSeconds } from './proc-cpu.ts';
import { AS_OF, type BaseDatabase, copyOfBase, databaseCounters, dropDatabase } from './scaling-base.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const PREFIX = 'missive';

export interface EndToEndSample {
  workers: number;
  customers: number;
  ledgerRows: number;
  wallSeconds: number;
  documentsPerSecond: number;
  reconciled: boolean;
  /** Ledger rows that ended `failed`: a run with any is not a capacity figure (scaling.ts leaves it out). */
  failedRows: number;
  byChannel: Record<string, Record<string, number>>;
  /** CPU seconds during the run, by process. */
  cpu: { workers: number[]; redis: number; postgres: number; sinks: number; bench: number };
  rowWritesPerDocument: number;
  commitsPerDocument: number;
  databaseBytesPerCustomer: number;
  redis: {
    baselineBytes: number;
    peakBytes: number;
    chunksAtPeak: number;
    serverPeakBytes: number;
    /** `MEMORY USAGE` of one job hash: a waiting chunk of 100 ids, a completed chunk, a completed send. */
    waitingChunkBytes: number;
    completedChunkBytes: number;
    completedSendBytes: number;
  };
  /** CPU seconds per second of the workers, idle after `ready`, before the run (polls, watches). */
  idleCpuPerSecond: number;
  archiveBytesPerCustomer: number;
  loadBefore: number[];
  loadAfter: number[];
}

export async function measureEndToEnd(
  serverUrl: string,
  base: BaseDatabase,
  workers: number,
  label: string,
  /** Called with the finished run's store before it is dropped (the pure-render reference reads it). */
  inspect?: (store: Store, runId: string) => Promise<void>,
): Promise<EndToEndSample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-scaling-'));
  const dbName = `scaling_${label}`;
  const url = await copyOfBase(serverUrl, base, dbName);
  const redis = await startEmbeddedRedis({
    bin: 'redis-server',
    dir: path.join(dir, 'redis'),
    persist: false,
  });
  const store = await openStoreAt({ databaseUrl: url, poolSize: 2 });
  const children: ChildProcess[] = [];
  try {
    const sinks = await startSinks(dir);
    children.push(sinks.child);
    const env = {
      ...sinks.env,
      REDIS_URL: redis.url,
      DATABASE_URL: url,
      MISSIVE_DATA_DIR: dir,
      MISSIVE_QUEUE_PREFIX: PREFIX,
      MISSIVE_LOG_LEVEL: 'warn',
      MISSIVE_FROM_SOURCE: '1',
      MISSIVE_TRACKING_KEY: 'scaling-bench-tracking-key-0123456789abcdef',
    };
    const started: WorkerProcess[] = Array.from({ length: workers }, () => spawnWorker(env));
    children.push(...started.map((w) => w.child));
    await Promise.all(started.map((w) => w.ready));
    const postmaster = await postmasterPid(store);
    const cpuNow = () => ({
      workers: started.map((w) => treeCpuSeconds(w.child.pid!)),
      redis: treeCpuSeconds(redis.pid),
      postgres: treeCpuSeconds(postmaster),
      sinks: treeCpuSeconds(sinks.child.pid!),
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    });
    const idle0 = cpuNow().workers;
    await new Promise((r) => setTimeout(r, 5_000));
    const idleCpuPerSecond = cpuNow().workers.reduce((sum, s, i) => sum + s - idle0[i]!, 0) / 5;
    const before = await databaseCounters(serverUrl, dbName);
    const loadBefore = os.loadavg();
    const memory = sampleRedis(redis.url);
    const cpu0 = cpuNow();
    const request = {
      communicationType: 'monthly-statement',
      templateVersionId: base.templateVersionId,
      asOf: AS_OF,
    };
    const full = { ...request, source: 'store:all' };
    const start = performance.now();
    await createRunIfAbsent(store.db, { id: runIdFor(full), ...full });
    const done = await waitFor(
      async () => {
        const run = await getRun(store.db, runIdFor(full));
        if (run?.status === 'failed' || run?.status === 'paused') throw new Error(`run ${run.status}`);
        return run?.status === 'completed' ? run : undefined;
      },
      3_600_000,
      'the run to complete',
    );
    const wallSeconds = (performance.now() - start) / 1000;
    const cpu1 = cpuNow();
    const loadAfter = os.loadavg();
    const sampled = await memory.stop();
    const after = await databaseCounters(serverUrl, dbName);
    const byChannel = await countRunByChannel(store.db, done.id);
    const ledgerRows = Object.values(byChannel).reduce(
      (s, statuses) => s + Object.values(statuses).reduce((a, n) => a + n, 0),
      0,
    );
    const report = done.report as RunReport;
    await inspect?.(store, done.id);
    return {
      workers,
      customers: base.customers,
      ledgerRows,
      wallSeconds,
      documentsPerSecond: base.customers / wallSeconds,
      reconciled: report.reconciliation.balanced,
      failedRows: Object.values(byChannel).reduce((s, statuses) => s + (statuses.failed ?? 0), 0),
      byChannel,
      cpu: {
        workers: cpu1.workers.map((s, i) => s - cpu0.workers[i]!),
        redis: cpu1.redis - cpu0.redis,
        postgres: cpu1.postgres - cpu0.postgres,
        sinks: cpu1.sinks - cpu0.sinks,
        bench: cpu1.bench - cpu0.bench,
      },
      rowWritesPerDocument: (after.rowWrites - before.rowWrites) / ledgerRows,
      commitsPerDocument: (after.commits - before.commits) / ledgerRows,
      databaseBytesPerCustomer: (after.bytes - before.bytes) / base.customers,
      redis: { ...sampled, serverPeakBytes: await usedMemoryPeak(redis.url) },
      archiveBytesPerCustomer: folderBytes(path.join(dir, 'archive')) / base.customers,
      idleCpuPerSecond,
      loadBefore,
      loadAfter,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
    await store.close();
    await redis.stop();
    await dropDatabase(serverUrl, dbName);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `missive sinks` in its own process (its CPU apart from the workers'); the env it prints. */
async function startSinks(dir: string): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const child = spawn('node', [path.join(ROOT, 'bin', 'missive.js'), 'sinks'], {
    env: { ...process.env, MISSIVE_DATA_DIR: dir, MISSIVE_FROM_SOURCE: '1' },
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  await waitFor(
    async () => (out.includes('Ctrl-C stops both') ? true : undefined),
    60_000,
    `missive sinks: ${out}`,
  );
  const env: Record<string, string> = {};
  for (const [, key, value] of out.matchAll(/export (\w+)=(\S+)/g)) env[key!] = value!;
  return { child, env };
}

async function postmasterPid(store: Store): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
  const postmaster = parentOf(Number(rows[0]?.pid));
  if (!postmaster) throw new Error('no postmaster found');
  return postmaster;
}

/**
 * `used_memory` every 250 ms, with the render chunks waiting or active when it peaked; and measured
 * directly, `MEMORY USAGE` of a few job hashes: a waiting render chunk (while the run is planned), a
 * completed one and a completed e-mail send (kept after the run: BullMQ's removeOnComplete counts).
 */
function sampleRedis(url: string) {
  const client = connectRedisClient(url);
  const queue = new Queue(RENDER_QUEUE, { connection: client, prefix: PREFIX });
  const sends = new Queue(DISPATCH_QUEUES.email, { connection: client, prefix: PREFIX });
  let baselineBytes: number | undefined;
  let peakBytes = 0;
  let chunksAtPeak = 0;
  let waitingChunkBytes = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [info, counts] = await Promise.all([
        client.info('memory'),
        queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children'),
      ]);
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      baselineBytes = Math.min(baselineBytes ?? used, used);
      if (used > peakBytes) {
        peakBytes = used;
        chunksAtPeak = Object.values(counts).reduce((s, n) => s + n, 0);
      }
      if (!waitingChunkBytes && (counts.wait ?? 0) > 0)
        waitingChunkBytes = await jobBytes(client, RENDER_QUEUE, await queue.getWaiting(0, 4));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const completedChunkBytes = await jobBytes(client, RENDER_QUEUE, await queue.getCompleted(0, 4));
      const completedSendBytes = await jobBytes(
        client,
        DISPATCH_QUEUES.email,
        await sends.getCompleted(0, 9),
      );
      await Promise.all([queue.close(), sends.close()]);
      await closeRedisClient(client);
      return {
        baselineBytes: baselineBytes ?? 0,
        peakBytes,
        chunksAtPeak,
        waitingChunkBytes,
        completedChunkBytes,
        completedSendBytes,
      };
    },
  };
}

/** Mean `MEMORY USAGE` of the jobs' hashes (`<prefix>:<queue>:<id>`); 0 for none. */
async function jobBytes(
  client: RedisClient,
  queue: string,
  jobs: { id?: string | undefined }[],
): Promise<number> {
  const sizes: number[] = [];
  for (const job of jobs) {
    if (!job.id) continue;
    sizes.push(Number(await client.call('MEMORY', 'USAGE', `${PREFIX}:${queue}:${job.id}`, 'SAMPLES', '0')));
  }
  return sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0;
}

async function usedMemoryPeak(url: string): Promise<number> {
  const client = connectRedisClient(url);
  try {
    return Number(/used_memory_peak:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0);
  } finally {
    await closeRedisClient(client);
  }
}

function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}
