import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunReport } from '../../src/batch/run-report.ts';
import { type SmtpSink, startSmtpSink } from '../../src/channels/sinks/smtp-sink.ts';
import {
  countLedgerRows,
  prepareStatementFolder,
  type RunProcess,
  spawnStatementRun,
} from '../support/run-process.ts';
import { ROOT, type TempStore } from '../support/stores.ts';
import { waitFor } from '../support/worker-process.ts';

/**
 * Issue 17 / RELIABILITY F7: the data folder (SQLite, archive, send journal, embedded Redis) on a
 * real tmpfs that fills up mid-run. The run stops within 30 s with one error line naming the cause
 * (MSV_DISK_FULL with the path and its free space, or MSV_REDIS_CANNOT_PERSIST when Redis' append-
 * only file is the first to fail), writes little to stderr, fails no customer; once space is back
 * the same command completes: balanced, every blob verified, no email twice at the sink.
 * Needs root to mount a tmpfs; skipped where it cannot (disk-full-injected.test.ts covers that case).
 */
const MOUNT_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-tmpfs-'));
const canMount =
  process.getuid?.() === 0 &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=192m', 'tmpfs', MOUNT_ROOT]).status === 0;

describe.skipIf(!canMount)('a run whose disk fills up (tmpfs)', () => {
  let smtp: SmtpSink;
  let temp: TempStore;
  const runs: RunProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = MOUNT_ROOT; // the data folder on the tmpfs
    try {
      ({ temp } = await prepareStatementFolder('disk-full'));
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
  });
  afterAll(async () => {
    for (const r of runs) r.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.exited));
    await smtp?.close();
    await temp?.close();
    spawnSync('umount', ['-l', MOUNT_ROOT]);
    fs.rmSync(MOUNT_ROOT, { recursive: true, force: true });
  });

  const start = () => {
    const run = spawnStatementRun({
      MISSIVE_DATA_DIR: temp.dir,
      MISSIVE_SMTP_URL: smtp.url,
      MISSIVE_CHUNK_SIZE: '5',
      MISSIVE_CONCURRENCY: '2',
      MISSIVE_JOB_LOCK_MS: '2000',
    });
    runs.push(run);
    return run;
  };

  /** Fills the file system with one file until it refuses a single byte more. */
  const fill = (file: string) => {
    const fd = fs.openSync(file, 'w');
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
    fs.closeSync(fd);
  };

  it('stops with one clear error, then resumes to a balanced run, every blob verified, nothing twice', async () => {
    const first = start();
    await waitFor(
      async () => {
        if (first.child.exitCode !== null) throw new Error(`the run exited early: ${first.stderr()}`);
        return (await countLedgerRows(temp.store)) >= 40 ? true : undefined;
      },
      90_000,
      '40 ledger rows',
    );
    const filler = path.join(MOUNT_ROOT, 'filler');
    fill(filler);
    const fullAt = Date.now();
    const code = await first.exited;
    const tookMs = Date.now() - fullAt;
    const stderr = first.stderr();
    expect(code, stderr.slice(-3_000)).toBe(1);
    expect(tookMs).toBeLessThan(30_000);
    expect(stderr.length).toBeLessThan(100_000);
    const errorLines = stderr.split('\n').filter((l) => /\[MSV_(DISK_FULL|REDIS_CANNOT_PERSIST)\]/.test(l));
    expect(errorLines, stderr.slice(-3_000)).toHaveLength(1);
    if (errorLines[0]!.includes('MSV_DISK_FULL')) {
      expect(errorLines[0]).toContain(temp.dir); // the path it could not write
      expect(errorLines[0]).toMatch(/free of [\d.]+ MiB on its file system/);
    }
    // A full disk fails no customer.
    const failures = await temp.store.db.selectFrom('run_failures').select(['reason']).execute();
    expect(failures.filter((f) => /ENOSPC|disk is full|no space/i.test(f.reason))).toEqual([]);

    fs.rmSync(filler);
    const again = start();
    const resumed = await again.exited;
    expect([0, 3], again.stderr().slice(-3_000)).toContain(resumed);
    const run = await temp.store.db.selectFrom('runs').select('id').executeTakeFirstOrThrow();
    const report = await buildRunReport(temp.store.db, run.id);
    expect(report.status).toBe('completed');
    expect(report.reconciliation.balanced, report.reconciliation.problems.join('; ')).toBe(true);
    expect(report.failures.filter((f) => /DISK|ENOSPC/.test(f.code))).toEqual([]);
    const verify = spawnSync('node', [path.join(ROOT, 'bin', 'missive.js'), 'archive', 'verify'], {
      env: { ...process.env, MISSIVE_DATA_DIR: temp.dir },
      encoding: 'utf8',
    });
    expect(verify.status, `${verify.stdout}${verify.stderr}`).toBe(0);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size, await explainTwice(temp, ids)).toBe(ids.length);
    expect(ids.length).toBe(report.byChannel.email?.sent ?? 0);
    expect(report.possibleDuplicates).toEqual({});
    execFileSync('sync');
  }, 240_000);
});

/** For a failure message: each e-mail that reached the sink twice, with its ledger history. */
async function explainTwice(temp: TempStore, ids: string[]): Promise<string> {
  const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const lines: string[] = [];
  for (const messageId of twice) {
    const deliveryKey = messageId.replace(/^<|@.*$/g, '');
    const comm = await temp.store.db
      .selectFrom('communications')
      .select(['id', 'status', 'attempts'])
      .where('delivery_key', '=', deliveryKey)
      .executeTakeFirst();
    const history = comm
      ? await temp.store.db
          .selectFrom('communication_status_history')
          .select(['status', 'reason', 'code', 'at'])
          .where('communication_id', '=', comm.id)
          .orderBy('id')
          .execute()
      : [];
    lines.push(
      `${messageId} ${JSON.stringify(comm)}: ${history.map((h) => `${h.at} ${h.status} ${h.reason ?? ''} ${h.code ?? ''}`).join(' | ')}`,
    );
  }
  return `sent twice:\n${lines.join('\n')}`;
}
