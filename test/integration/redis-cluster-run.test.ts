import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RENDER_QUEUE } from '../../src/batch/queues.ts';
import {
  assertNoEviction,
  closeRedisClient,
  connectRedisClient,
  type RedisClient,
} from '../../src/batch/redis-connection.ts';
import type { RunReport } from '../../src/batch/run-report.ts';
import { runIdFor } from '../../src/batch/run-request.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { countRunByChannel } from '../../src/store/run-ledger-counts.ts';
import { createRunIfAbsent, getRun } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { startRedisCluster, type TestRedisCluster } from '../servers/redis-cluster.ts';
import { startS3 } from '../servers/s3.ts';
import { isAlive } from '../support/run-process.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, ROOT, type TempStore } from '../support/stores.ts';
import { spawnWorker, type WorkerProcess, waitFor } from '../support/worker-process.ts';

/**
 * Beyond one machine (issue 24 item 3): a statement run on a 3-master Redis Cluster (one replica
 * each), PostgreSQL and the S3-compatible archive (s3rver), worked by two `missive worker`
 * processes. Mid-run one worker is killed with SIGKILL, then the master serving the queues' slot;
 * its replica is promoted and the run completes: one ledger row per customer × channel, one e-mail
 * per sent row at the SMTP sink, a balanced report. Prints what it measured (docs/SCALING.md).
 */
const AS_OF = '2026-10-31';
const BUCKET = 'missive-cluster-test';

describe('a statement run on Redis Cluster, PostgreSQL and S3 with two workers', () => {
  const database = `cluster_run_${randomUUID().replaceAll('-', '')}`;
  const prefix = `test-${randomUUID()}`;
  const tag = `{${prefix}}`; // what the runtime makes of the prefix on a cluster
  const admin = () => new pg.Client({ connectionString: inject('databaseUrl') });
  let cluster: TestRedisCluster;
  let s3: Awaited<ReturnType<typeof startS3>>;
  let smtp: SmtpSink;
  let temp: TempStore;
  let store: Store;
  let env: Record<string, string>;
  let customers = 0;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // The servers start while the database is made and migrated (they do not depend on each other).
    const databaseUrl = new URL(inject('databaseUrl'));
    databaseUrl.pathname = `/${database}`;
    const openStore = async () => {
      const client = admin();
      await client.connect();
      await client.query(`create database ${database}`).finally(() => client.end());
      store = await openStoreAt({ databaseUrl: databaseUrl.href });
    };
    [cluster, s3, smtp, temp] = await Promise.all([
      startRedisCluster(3),
      startS3(BUCKET),
      startSmtpSink(),
      openTempStore('cluster-run'),
      openStore(),
    ]);
    env = {
      REDIS_URL: cluster.url,
      DATABASE_URL: databaseUrl.href,
      MISSIVE_DATA_DIR: temp.dir,
      MISSIVE_QUEUE_PREFIX: prefix,
      MISSIVE_ARCHIVE_S3_BUCKET: BUCKET,
      MISSIVE_ARCHIVE_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      MISSIVE_SMTP_URL: smtp.url,
      MISSIVE_CHUNK_SIZE: '4',
      // A killed worker's chunks are taken up again once its lock lapses.
      MISSIVE_JOB_LOCK_MS: '5000',
      MISSIVE_LOG_LEVEL: 'warn',
      MISSIVE_TRACKING_KEY: 'cluster-run-test-tracking-key-0123456789abcdef',
    };
    // The workers start (seconds of loading modules) while this process imports the customers and
    // loads their feeds; the run is created only once all is ready (second test).
    workers.push(
      spawnWorker(env, ['--concurrency', '1']),
      spawnWorker(env, ['--concurrency', '1', '--shutdown-timeout', '5000']),
    );
    // (A set-up that fails below must not leave an unhandled rejection of a worker killed in afterAll.)
    for (const w of workers) w.ready.catch(() => {});
    const imported = await importBankCustomers(store);
    customers = imported.length;
    await loadStatementFeeds(store.db, imported, AS_OF);
    await publishCatalogDir(store.db, path.join(ROOT, 'catalogs', 'bank'), AS_OF);
    await Promise.all(workers.map((w) => w.ready));
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await store?.close();
    await Promise.allSettled([cluster?.stop(), s3?.stop(), smtp?.close(), temp?.close()]);
    const client = admin();
    await client.connect();
    await client.query(`drop database if exists ${database}`).finally(() => client.end());
    // Nothing this test started is left running.
    for (const w of workers) expect(isAlive(w.child.pid!)).toBe(false);
    for (const node of cluster?.nodes ?? []) expect(pgrep(`redis-server 127.0.0.1:${node.port}`)).toEqual([]);
  });

  it('refuses a cluster whose master may evict keys (every master is asked)', async () => {
    const master = await cluster.masterOf('{another}');
    const set = (policy: string) =>
      execFileSync('redis-cli', ['-p', String(master.port), 'config', 'set', 'maxmemory-policy', policy]);
    set('allkeys-lru');
    const client = connectRedisClient(cluster.url, () => {});
    try {
      await expect(assertNoEviction(client, () => {})).rejects.toMatchObject({ code: 'MSV_REDIS_POLICY' });
    } finally {
      set('noeviction');
      await closeRedisClient(client);
    }
  });

  it('survives a killed worker and a killed master, once per customer × channel', async () => {
    const version = await publishTemplatePackage(store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    const request = {
      communicationType: 'monthly-statement',
      templateVersionId: version.id,
      asOf: AS_OF,
      source: 'store:all' as const,
    };
    const before = await databaseWrites(database);
    const startedAt = Date.now();
    const { run } = await createRunIfAbsent(store.db, { id: runIdFor(request), ...request });

    // Redis memory of the queues' master while chunks are in flight (its INFO, sampled every 250 ms).
    const master = await cluster.masterOf(tag);
    const memory = sampleMemory(cluster.url, master.port, prefix);
    const rowsDone = async (n: number) => ((await ledgerRows(store, run.id)) >= n ? true : undefined);
    await waitFor(() => rowsDone(Math.round(customers * 0.2)), 120_000, 'a fifth of the ledger');
    const [killed, survivor] = workers as [WorkerProcess, WorkerProcess];
    killed.child.kill('SIGKILL');
    await killed.exited;
    await waitFor(() => rowsDone(Math.round(customers * 0.4)), 120_000, 'two fifths of the ledger');
    const sampled = await memory.stop();
    const inFlightAtKill = (await getRun(store.db, run.id))?.status;
    expect(inFlightAtKill).toBe('running'); // both kills land mid-run
    const failoverFrom = Date.now();
    master.child.kill('SIGKILL');
    await cluster.waitHealthy(tag, 30_000);
    const failoverMs = Date.now() - failoverFrom;
    expect((await cluster.masterOf(tag)).port).not.toBe(master.port);

    const done = await waitFor(
      async () => {
        const r = await getRun(store.db, run.id);
        if (r?.status === 'failed' || r?.status === 'paused') throw new Error(`run ${r.status}`);
        return r?.status === 'completed' ? r : undefined;
      },
      180_000,
      'the run to complete',
    );
    const seconds = (Date.now() - startedAt) / 1000;
    expect(isAlive(survivor.child.pid!)).toBe(true);
    // The availability watch saw the failover as a short outage, not as a Redis gone for good.
    const said = survivor.output();
    if (said.includes('redis unreachable')) expect(said).toContain('redis reachable again');

    const rows = await store.db
      .selectFrom('communications')
      .select(['customer_id', 'channel', 'status', 'fallback_of', 'artifact_size'])
      .where('run_id', '=', run.id)
      .execute();
    expect(new Set(rows.map((r) => `${r.customer_id}/${r.channel}`)).size).toBe(rows.length);
    expect(new Set(rows.filter((r) => r.fallback_of === null).map((r) => r.customer_id)).size).toBe(
      customers,
    );
    const byChannel = await countRunByChannel(store.db, run.id);
    expect(byChannel.email?.sent ?? 0).toBeGreaterThan(0);
    // No duplicate sends: one message per sent row, each Message-ID once.
    expect(smtp.messages.length).toBe(byChannel.email?.sent);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
    const report = done.report as RunReport;
    expect(report.reconciliation).toMatchObject({
      balanced: true,
      customersIn: customers,
      customersAccounted: customers,
    });

    // The figures docs/SCALING.md quotes (this run: a few hundred customers, a loaded 2-core machine).
    const writes = diffWrites(before, await databaseWrites(database));
    const archive = await bucketBytes(s3.endpoint);
    const figures = {
      customers,
      ledgerRows: rows.length,
      seconds: Number(seconds.toFixed(1)),
      documentsPerSecond: Number((rows.length / seconds).toFixed(1)),
      failoverMs,
      redisBaselineBytes: sampled.baseline,
      redisPeakBytes: sampled.peak,
      chunksInFlightAtPeak: sampled.chunksAtPeak,
      redisBytesPerInFlightChunk: sampled.chunksAtPeak
        ? Math.round((sampled.peak - sampled.baseline) / sampled.chunksAtPeak)
        : null,
      databaseRowWritesPerDocument: Number((writes.rows / rows.length).toFixed(1)),
      databaseCommitsPerDocument: Number((writes.commits / rows.length).toFixed(1)),
      archiveObjects: archive.objects,
      archiveBytesPerCustomer: Math.round(archive.bytes / customers),
      ledger: byChannel,
      artifactBytesPerDocument: Math.round(
        rows.reduce((s, r) => s + Number(r.artifact_size ?? 0), 0) / rows.length,
      ),
    };
    process.stdout.write(`[cluster-run] ${JSON.stringify(figures)}\n`);
  }, 300_000); // its own waits allow minutes on a busy machine; vitest's 60 s default cut them short

  it('the surviving worker stops gracefully on SIGTERM', async () => {
    const survivor = workers[1]!;
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    expect(survivor.output()).toContain('missive worker stopped (gracefully)');
  });
});

async function ledgerRows(store: Store, runId: string): Promise<number> {
  const row = await store.db
    .selectFrom('communications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

interface Writes {
  rows: number;
  commits: number;
}

/** Rows inserted, updated and deleted and transactions committed in `database` (pg_stat_database). */
async function databaseWrites(database: string): Promise<Writes> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    await client.query('select pg_stat_clear_snapshot()');
    await new Promise((r) => setTimeout(r, 1_100)); // backends flush their counters at most once a second
    const { rows } = await client.query<{ rows: string; commits: string }>(
      `select tup_inserted + tup_updated + tup_deleted as rows, xact_commit as commits
         from pg_stat_database where datname = $1`,
      [database],
    );
    return { rows: Number(rows[0]?.rows ?? 0), commits: Number(rows[0]?.commits ?? 0) };
  } finally {
    await client.end();
  }
}

const diffWrites = (a: Writes, b: Writes): Writes => ({
  rows: b.rows - a.rows,
  commits: b.commits - a.commits,
});

/** Samples `used_memory` of one node and the render chunks waiting or active, until stopped. */
function sampleMemory(url: string, port: number, prefix: string) {
  const node = connectRedisClient(`redis://127.0.0.1:${port}`);
  const client: RedisClient = connectRedisClient(url);
  const queue = new Queue(RENDER_QUEUE, { connection: client, prefix: `{${prefix}}` });
  let baseline: number | undefined;
  let peak = 0;
  let chunksAtPeak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [info, counts] = await Promise.all([
        node.info('memory'),
        queue.getJobCounts('wait', 'active', 'delayed', 'prioritized'),
      ]);
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      baseline ??= used;
      baseline = Math.min(baseline, used);
      if (used > peak) {
        peak = used;
        chunksAtPeak = Object.values(counts).reduce((s, n) => s + n, 0);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await queue.close();
      await Promise.all([closeRedisClient(client), closeRedisClient(node)]);
      return { baseline: baseline ?? 0, peak, chunksAtPeak };
    },
  };
}

async function bucketBytes(endpoint: string): Promise<{ objects: number; bytes: number }> {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      objects += 1;
      bytes += o.Size ?? 0;
    }
    token = page.NextContinuationToken;
  } while (token);
  s3.destroy();
  return { objects, bytes };
}

/** Pids whose command line contains `pattern` (pgrep -f), none: []. */
function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
