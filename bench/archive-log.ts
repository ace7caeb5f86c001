/**
 * The tamper-evident log at scale: appends N entries (default 1,000,000; BENCH_LOG_ENTRIES) to a
 * fresh SQLite store in transactions of 1,000, the way documents and audit rows append (one
 * update-returning, one insert, one update per entry), then signs a checkpoint and verifies the whole
 * log against it. Prints append rates at the start and the end (appends must not slow down as the log
 * grows: O(log n) each), the checkpoint time (from the stored right edge) and the verification time
 * and memory. Run: `node --import tsx bench/archive-log.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { issueCheckpoint } from '../src/archive/log-checkpoint.ts';
import { loadOrCreateLogKey } from '../src/archive/log-key.ts';
import { verifyLog } from '../src/archive/log-verify.ts';
import { sha256Hex } from '../src/core/hash.ts';
import { appendLogEntry } from '../src/store/archive-log.ts';
import { openStoreAt } from '../src/store/db.ts';

const N = Number(process.env.BENCH_LOG_ENTRIES ?? 1_000_000);
const BATCH = 1000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-bench-log-'));
const store = await openStoreAt({ sqlitePath: path.join(dir, 'missive.sqlite') });
try {
  const rates: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const start = performance.now();
    await store.db.transaction().execute(async (trx) => {
      for (let j = i; j < Math.min(N, i + BATCH); j += 1) {
        await appendLogEntry(trx, {
          // 'tombstone': the same leaf shape, but no ledger row to cross-check (this bench has none)
          kind: 'tombstone',
          ref: `com_${j}`,
          data: {
            communicationId: `com_${j}`,
            channel: 'print',
            docHash: sha256Hex(String(j)),
            size: 40_000,
          },
        });
      }
    });
    rates.push(BATCH / ((performance.now() - start) / 1000));
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  const first = rates.slice(0, 10);
  const last = rates.slice(-10);
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const key = loadOrCreateLogKey(path.join(dir, 'keys', 'log.pem'));
  let start = performance.now();
  const checkpoint = await issueCheckpoint(store.db, key);
  const checkpointMs = performance.now() - start;
  start = performance.now();
  const result = await verifyLog(store.db, {
    checkpoint,
    trustedPublicKey: key.publicKeyBase64,
    pageSize: 5000,
  });
  const verifySeconds = (performance.now() - start) / 1000;
  const dbBytes = fs.statSync(path.join(dir, 'missive.sqlite')).size;
  console.log(
    JSON.stringify(
      {
        entries: N,
        appendSeconds: Number(appendSeconds.toFixed(1)),
        appendsPerSecondFirst10k: mean(first),
        appendsPerSecondLast10k: mean(last),
        checkpointMs: Number(checkpointMs.toFixed(1)),
        verifyOk: result.ok && result.checkpoint?.consistent === true,
        verifySeconds: Number(verifySeconds.toFixed(1)),
        verifyEntriesPerSecond: Math.round(N / verifySeconds),
        rssMB: Math.round(process.memoryUsage().rss / 1e6),
        databaseMB: Math.round(dbBytes / 1e6),
        node: process.versions.node,
      },
      null,
      2,
    ),
  );
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
