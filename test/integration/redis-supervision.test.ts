import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/batch/embedded-redis.ts';
import { connectRedis } from '../../src/batch/redis-connection.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import { freeLoopbackPort } from '../../src/core/free-port.ts';
import { countRunByChannel } from '../../src/store/run-ledger-counts.ts';
import {
  childPids,
  commandLine,
  countLedgerRows,
  isAlive,
  prepareStatementFolder,
  type RunProcess,
  spawnStatementRun,
} from '../support/run-process.ts';
import { openTempStore, SAMPLE_CUSTOMERS, type TempStore } from '../support/stores.ts';
import { waitFor } from '../support/worker-process.ts';

/**
 * Issue 17 / RELIABILITY F1, F4: `missive run` as a process, with real Redis.
 * - kill -9 of the embedded redis-server mid-run: restarted from its append-only file, the run
 *   completes, one row per customer × channel, every email once at the SMTP sink;
 * - a REDIS_URL Redis stopped mid-run: exit 1 with MSV_REDIS_UNAVAILABLE within the configured
 *   time, little stderr; once Redis is back the same command completes, nothing twice;
 * - kill -9 of the run: none of its render children, nor its embedded redis-server, is alive 5 s later
 *   (polled: the test goes on as soon as all are gone).
 */
describe('missive run when Redis or the run itself dies', () => {
  let smtp: SmtpSink;
  const temps: TempStore[] = [];
  const runs: RunProcess[] = [];
  const servers: EmbeddedRedis[] = [];
  /**
   * The sample's first 120 customers: killed or stopped after 10–40 ledger rows, a run is mid-way
   * with chunks queued, in flight and done, as with all 200; the two runs that finish render 80 fewer.
   */
  const customersIn = 120;
  /** A statement data folder made once (customers, feeds, template, catalog); each test runs in a copy. */
  let prepared: TempStore;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const file = path.join(os.tmpdir(), `missive-redis-supervision-${process.pid}.csv`);
    const lines = fs.readFileSync(SAMPLE_CUSTOMERS, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, customersIn + 1).join('\n')}\n`);
    try {
      ({ temp: prepared } = await prepareStatementFolder('redis-prepared', file));
    } finally {
      fs.rmSync(file, { force: true });
    }
    await prepared.store.close(); // every write in missive.sqlite, none left in a WAL file
  });
  afterAll(async () => {
    for (const r of runs) r.child.kill('SIGKILL');
    await Promise.allSettled(servers.map((s) => s.stop()));
    await smtp?.close();
    for (const t of temps) await t.close();
    if (prepared) fs.rmSync(prepared.dir, { recursive: true, force: true });
  });

  /** A copy of the prepared data folder, the test's own. */
  const folder = async (prefix: string): Promise<TempStore> => {
    const temp = await openTempStore(prefix, prepared.dir);
    temps.push(temp);
    return temp;
  };

  const start = (env: Record<string, string>) => {
    const run = spawnStatementRun({
      MISSIVE_SMTP_URL: smtp.url,
      MISSIVE_CHUNK_SIZE: '5',
      MISSIVE_RENDER_SANDBOX: 'off',
      MISSIVE_CONCURRENCY: '2',
      // Chunks held by a process that is gone are taken up again after ~2 s instead of 120 s.
      MISSIVE_JOB_LOCK_MS: '2000',
      ...env,
    });
    runs.push(run);
    return run;
  };
  const rowsAtLeast = (temp: TempStore, n: number, run: RunProcess) =>
    waitFor(
      async () => {
        if (run.child.exitCode !== null) throw new Error(`the run exited early: ${run.stderr()}`);
        return (await countLedgerRows(temp.store)) >= n ? true : undefined;
      },
      60_000,
      `${n} ledger rows`,
    );

  /**
   * A finished run: exit 0, or 3 when some customers failed for reasons of their own (a statement
   * layout that does not fit one customer's data) — never for Redis, never a failed run.
   */
  const expectFinished = async (run: RunProcess, temp: TempStore) => {
    const code = await run.exited;
    const failed = await temp.store.db.selectFrom('run_failures').select(['customer_id', 'reason']).execute();
    expect([0, 3], `${JSON.stringify(failed)}\n${run.stderr().slice(-2_000)}`).toContain(code);
    expect(failed.filter((f) => /redis|MSV_REDIS|ECONNREFUSED/i.test(f.reason))).toEqual([]);
    expect(failed.length).toBeLessThan(customersIn / 10);
  };

  /** One own row per customer, no (customer, channel) twice, every email once at the sink. */
  const expectExactlyOnce = async (temp: TempStore, sentBefore: number) => {
    const rows = await temp.store.db
      .selectFrom('communications')
      .select(['customer_id', 'channel', 'fallback_of', 'run_id'])
      .execute();
    expect(new Set(rows.map((r) => `${r.customer_id}/${r.channel}`)).size).toBe(rows.length);
    expect(new Set(rows.filter((r) => r.fallback_of === null).map((r) => r.customer_id)).size).toBe(
      customersIn,
    );
    const byChannel = await countRunByChannel(temp.store.db, rows[0]!.run_id);
    const ids = smtp.messages.slice(sentBefore).map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(byChannel.email?.sent ?? 0).toBeGreaterThan(0);
    expect(ids.length).toBe((byChannel.email?.sent ?? 0) + (byChannel.email?.unknown ?? 0));
  };

  it('restarts a killed embedded Redis from its append-only file and completes exactly once', async () => {
    const temp = await folder('redis-kill');
    const sentBefore = smtp.messages.length;
    const run = start({ MISSIVE_DATA_DIR: temp.dir });
    await rowsAtLeast(temp, 40, run);
    const pid = Number(fs.readFileSync(path.join(temp.dir, 'redis', 'missive-redis.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');

    await expectFinished(run, temp);
    expect(run.stderr()).toContain('restarted from its append-only file');
    expect(run.stderr().length).toBeLessThan(50_000);
    await expectExactlyOnce(temp, sentBefore);
  }, 120_000);

  it('exits 1 with MSV_REDIS_UNAVAILABLE when its REDIS_URL stops, then resumes once Redis is back', async () => {
    const temp = await folder('redis-lost');
    const redisDir = path.join(temp.dir, 'external-redis');
    let redis = await startEmbeddedRedis({ bin: 'redis-server', dir: redisDir });
    servers.push(redis);
    const port = Number(new URL(redis.url).port);
    // 2 s, not the default 60 s: the promise is the configured time, whatever it is.
    const env = { MISSIVE_DATA_DIR: temp.dir, REDIS_URL: redis.url, MISSIVE_REDIS_UNAVAILABLE_MS: '2000' };
    const sentBefore = smtp.messages.length;

    const first = start(env);
    await rowsAtLeast(temp, 40, first);
    await redis.stop();
    const stoppedAt = Date.now();
    const code = await first.exited;
    const tookMs = Date.now() - stoppedAt;
    expect(code, first.stderr()).toBe(1);
    expect(first.stderr()).toContain('[MSV_REDIS_UNAVAILABLE]');
    // 2 s of waiting, up to 1 s to notice, then closing; generous for a loaded 2-core machine.
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    expect(tookMs).toBeLessThan(12_000);
    expect(first.stderr().length).toBeLessThan(20_000); // counted, not repeated
    expect(await countLedgerRows(temp.store)).toBeLessThan(customersIn);

    redis = await startEmbeddedRedis({ bin: 'redis-server', dir: redisDir, port });
    servers.push(redis);
    const again = start(env);
    await expectFinished(again, temp);
    await expectExactlyOnce(temp, sentBefore);
  }, 150_000);

  it('stops with one MSV_REDIS_CANNOT_PERSIST error when Redis answers MISCONF, not in a loop', async () => {
    const temp = await folder('redis-misconf');
    // A Redis whose snapshot cannot be written: its file name is taken by a folder (as a full disk
    // would fail it), so after BGSAVE it refuses every write with MISCONF.
    const dir = path.join(temp.dir, 'misconf-redis');
    fs.mkdirSync(dir);
    const port = await freeLoopbackPort();
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--save', '3600 1', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' }); // biome-ignore format: flags in pairs
    const url = `redis://127.0.0.1:${port}`;
    const admin = connectRedis(url, () => {}); // refused until the server listens
    try {
      await waitFor(
        async () => ((await admin.ping().catch(() => '')) === 'PONG' ? true : undefined),
        10_000,
        'redis',
      );
      const run = start({ MISSIVE_DATA_DIR: temp.dir, REDIS_URL: url });
      await rowsAtLeast(temp, 20, run);
      fs.mkdirSync(path.join(dir, 'dump.rdb'));
      await admin.bgsave();
      const failedAt = Date.now();
      expect(await run.exited, run.stderr()).toBe(1);
      expect(Date.now() - failedAt).toBeLessThan(20_000);
      const stopLines = run
        .stderr()
        .split('\n')
        .filter((l) => l.includes('[MSV_REDIS_CANNOT_PERSIST]'));
      expect(stopLines).toHaveLength(1);
      expect(stopLines[0]).toContain('MISCONF');
      expect(run.stderr().length).toBeLessThan(30_000); // the run wrote 413 MB
    } finally {
      admin.disconnect();
      server.kill('SIGKILL');
    }
  }, 90_000);

  it('stops within its shutdown deadline on SIGTERM while its Redis is gone', async () => {
    const temp = await folder('redis-sigterm');
    const redis = await startEmbeddedRedis({
      bin: 'redis-server',
      dir: path.join(temp.dir, 'r'),
      persist: false,
    });
    servers.push(redis);
    const run = start({
      MISSIVE_DATA_DIR: temp.dir,
      REDIS_URL: redis.url,
      MISSIVE_SHUTDOWN_TIMEOUT_MS: '3000',
    });
    await rowsAtLeast(temp, 20, run);
    const said = run.stderr().length; // a loaded machine can make its first probe fail, before the stop
    await redis.stop();
    // Signalled once the run has seen its Redis gone (its watch probes every second), not after a fixed wait.
    await waitFor(
      async () => (run.stderr().slice(said).includes('redis unreachable') ? true : undefined),
      10_000,
      'the run to see its Redis gone',
    );
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(130);
    expect(Date.now() - signalledAt).toBeLessThan(6_000);
  }, 90_000);

  it('leaves no render child, redis-server or watcher alive 5 s after kill -9 of the run', async () => {
    const temp = await folder('run-kill');
    const run = start({ MISSIVE_DATA_DIR: temp.dir, MISSIVE_RENDER_SANDBOX: 'on', MISSIVE_SMTP_URL: '' });
    await rowsAtLeast(temp, 10, run);
    const pid = run.child.pid!;
    const renderChildren = childPids(pid).filter((p) => commandLine(p).includes('bullmq'));
    const redisPid = Number(fs.readFileSync(path.join(temp.dir, 'redis', 'missive-redis.pid'), 'utf8'));
    const watchers = childPids(pid).filter((p) => commandLine(p).includes('redis-owner-watch'));
    expect(watchers).toHaveLength(1);
    expect(commandLine(redisPid)).toContain('redis-server');
    expect(renderChildren.length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.exited;
    // Within 5 s of the kill, polled (every 50 ms) rather than a fixed 5 s wait: the same deadline,
    // passed as soon as everything is gone. Its embedded redis-server is stopped by its watcher
    // (redis-owner-watch.mjs), and the watcher exits.
    const killedAt = Date.now();
    const leftAlive = () => [...renderChildren, redisPid, ...watchers].filter(isAlive);
    while (leftAlive().length > 0 && Date.now() - killedAt < 5_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(renderChildren.filter(isAlive)).toEqual([]);
    expect(isAlive(redisPid)).toBe(false);
    expect(watchers.filter(isAlive)).toEqual([]);
  }, 90_000);
});
