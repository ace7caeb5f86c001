import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyArchive } from '../../src/archive/archive-verify.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import type { Checkpoint } from '../../src/archive/checkpoint.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { issueCheckpoint } from '../../src/archive/log-checkpoint.ts';
import { type LogKey, loadOrCreateLogKey } from '../../src/archive/log-key.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { sha256Hex } from '../../src/core/hash.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { getLogState, readLogPage } from '../../src/store/archive-log.ts';
import { appendAudit } from '../../src/store/audit.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, type TempStore, testBatchDeps } from '../support/stores.ts';

/**
 * RELIABILITY A4: a real statement run fills the tamper-evident log (one entry per archived document,
 * one per audit row); a signed checkpoint is taken; then each kind of tampering — a changed byte in an
 * entry, an inserted entry, a removed entry, a cut tail, a rewritten ledger row, a flipped blob byte,
 * a whole log recomputed by a forger — must fail verification, naming the first bad index.
 */
describe('the tamper-evident archive log after a real run', () => {
  let temp: TempStore;
  let pristine: string;
  let blobs: BlobStore;
  let key: LogKey;
  let checkpoint: Checkpoint;
  let size: number;
  const opened: Store[] = [];

  beforeAll(async () => {
    temp = await openTempStore('archive-log');
    const { store, dir } = temp;
    const customers = Array.from({ length: 6 }, (_, i) => ({
      ...synthesizeIdentity(`L${i}`),
      traits: { balance: 100 * i },
    }));
    await upsertCustomers(store.db, customers);
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    const template = await publishTemplatePackage(store.db, 'templates/monthly-statement');
    const batch = testBatchDeps(store, dir, { chunkSize: 3, concurrency: 1 });
    blobs = batch.deps.blobs;
    try {
      const outcome = await executeRun(batch.deps, {
        communicationType: 'monthly-statement',
        templateVersionId: template.id,
        asOf: '2026-10-31',
        source: 'store:all',
      });
      for (const row of await listCommunicationsForRun(store.db, outcome.runId)) {
        await appendAudit(store.db, {
          actor: 'agent:ann',
          action: 'document.view',
          targetType: 'communication',
          targetId: row.id,
          details: { sha256: row.artifactSha256 },
        });
      }
    } finally {
      await batch.close();
    }
    key = loadOrCreateLogKey(path.join(dir, 'keys', 'log.pem'));
    checkpoint = await issueCheckpoint(store.db, key);
    size = checkpoint.size;
    pristine = path.join(dir, 'pristine.sqlite');
    await store.close();
    fs.copyFileSync(path.join(dir, 'missive.sqlite'), pristine);
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    fs.rmSync(temp.dir, { recursive: true, force: true });
  });

  /** A fresh copy of the database as the run left it. */
  async function copy(): Promise<Store> {
    const file = path.join(temp.dir, `${randomUUID()}.sqlite`);
    fs.copyFileSync(pristine, file);
    const store = await openStoreAt({ sqlitePath: file });
    opened.push(store);
    return store;
  }

  const verify = (store: Store, withCheckpoint = true) =>
    verifyArchive(
      { db: store.db, blobs },
      { checkpoint: withCheckpoint ? checkpoint : undefined, trustedPublicKey: key.publicKeyBase64 },
    );

  it('holds one entry per archived document and per audit row, and verifies against its checkpoint', async () => {
    const store = await copy();
    const entries = await readLogPage(store.db, -1, 100);
    expect(entries.filter((e) => e.kind === 'document')).toHaveLength(6);
    expect(entries.filter((e) => e.kind === 'audit')).toHaveLength(6);
    expect(size).toBe(12);
    const doc = JSON.parse(entries[0]!.entry) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual([
      'at',
      'channel',
      'communicationId',
      'docHash',
      'kind',
      'mime',
      'size',
    ]);
    const result = await verify(store);
    expect(result.problems).toEqual([]);
    expect(result.log.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.log.checkpoint?.consistent).toBe(true);
    expect(result.documents.checked).toBe(6);
  });

  it('proves a grown log consistent with the older checkpoint', async () => {
    const store = await copy();
    await appendAudit(store.db, {
      actor: 'agent:bob',
      action: 'document.view',
      targetType: 'x',
      targetId: 'y',
    });
    const result = await verify(store);
    expect(result.ok).toBe(true);
    expect(result.log.size).toBe(size + 1);
    expect(result.log.checkpoint).toMatchObject({ size, consistent: true });
  });

  it('fails on a changed byte in an entry, naming its index', async () => {
    const store = await copy();
    await sql`update archive_log set entry = replace(entry, '"print"', '"prinT"') where seq = 3`.execute(
      store.db,
    );
    const result = await verify(store);
    expect(result.ok).toBe(false);
    expect(result.log.firstBadIndex).toBe(3);
    expect(result.log.problems[0]?.message).toMatch(/entry 3 was changed/);
  });

  it('fails on a removed entry in the middle', async () => {
    const store = await copy();
    await sql`delete from archive_log where seq = 4`.execute(store.db);
    const result = await verify(store);
    expect(result.log.firstBadIndex).toBe(4);
    expect(result.log.problems[0]?.message).toMatch(/entry 4 is missing/);
  });

  it('fails on an inserted entry (later entries renumbered)', async () => {
    const store = await copy();
    await sql`update archive_log set seq = seq + 1000 where seq >= 2`.execute(store.db);
    await sql`update archive_log set seq = seq - 999 where seq >= 1002`.execute(store.db);
    const first = (await readLogPage(store.db, -1, 1))[0]!;
    await sql`insert into archive_log (seq, kind, ref, entry, leaf_hash, tree_head, at)
              values (2, 'audit', 'forged', ${first.entry}, ${first.leafHash}, ${first.treeHead}, ${first.at})`.execute(
      store.db,
    );
    const result = await verify(store);
    expect(result.ok).toBe(false);
    expect(result.log.firstBadIndex).toBe(2);
  });

  it('fails on a truncated tail (the last 3 entries dropped), also when the state row is rolled back', async () => {
    const store = await copy();
    await sql`delete from archive_log where seq >= ${size - 3}`.execute(store.db);
    const result = await verify(store, false);
    expect(result.log.firstBadIndex).toBe(size - 3);
    expect(result.log.problems[0]?.message).toMatch(/cut from the end/);
    // A careful forger also rolls the state back to 9 entries: the log alone looks whole now; the
    // audit rows left without an entry and the checkpoint still tell.
    const nine = await readLogPage(store.db, -1, 100);
    const { frontier } = await stateAfter(nine.length, store);
    await sql`update archive_log_state set size = ${nine.length}, frontier = ${JSON.stringify(frontier)}`.execute(
      store.db,
    );
    const rolledBack = await verify(store, false);
    expect(rolledBack.log.ok).toBe(true);
    expect(rolledBack.problems[0]?.message).toMatch(/audit row \d+ has no log entry/);
    const withCheckpoint = await verify(store);
    expect(withCheckpoint.ok).toBe(false);
    expect(withCheckpoint.log.firstBadIndex).toBe(size - 3);
    expect(withCheckpoint.log.problems[0]?.message).toMatch(/checkpoint signed 12 entries but only 9/);
  });

  it('fails when a ledger row is pointed at other bytes, or an audit row is edited', async () => {
    const store = await copy();
    const doc = (await readLogPage(store.db, -1, 100)).find((e) => e.kind === 'document')!;
    await sql`update communications set artifact_sha256 = ${'0'.repeat(64)} where id = ${doc.ref}`.execute(
      store.db,
    );
    const result = await verify(store);
    expect(result.log.firstBadIndex).toBe(doc.seq);
    expect(result.log.problems[0]?.message).toMatch(/now points at 0000/);

    const other = await copy();
    const audit = (await readLogPage(other.db, -1, 100)).find((e) => e.kind === 'audit')!;
    await sql`update audit_log set actor = 'agent:nobody' where id = ${Number(audit.ref)}`.execute(other.db);
    const edited = await verify(other);
    expect(edited.log.firstBadIndex).toBe(audit.seq);
    expect(edited.log.problems[0]?.message).toMatch(/audit row .* was changed/);
  });

  it('catches a log recomputed from scratch by a forger only through the checkpoint', async () => {
    const store = await copy();
    const entries = await readLogPage(store.db, -1, 100);
    // The forger drops entry 1 and re-appends every later entry through the genuine append code.
    await sql`delete from archive_log`.execute(store.db);
    await sql`update archive_log_state set size = 0, frontier = '[]'`.execute(store.db);
    const { appendLogEntry } = await import('../../src/store/archive-log.ts');
    for (const e of entries.filter((x) => x.seq !== 1)) {
      const { kind, at, ...data } = JSON.parse(e.entry) as Record<string, unknown>;
      await appendLogEntry(store.db, { kind: kind as 'document', ref: e.ref, data, at: at as string });
    }
    await sql`delete from audit_log where id = ${Number(entries[1]!.ref)}`.execute(store.db);
    await sql`update communications set artifact_sha256 = null where id = ${entries[1]!.ref}`.execute(
      store.db,
    );
    expect((await verify(store, false)).log.ok).toBe(true);
    const result = await verify(store);
    expect(result.ok).toBe(false);
    expect(result.log.checkpoint?.consistent).toBe(false);
  });

  it('fails when one byte of a blob file is flipped (files are read-only: 0444)', async () => {
    const store = await copy();
    const entry = (await readLogPage(store.db, -1, 1))[0]!;
    const sha = (JSON.parse(entry.entry) as { docHash: string }).docHash;
    const file = blobs.locate(sha);
    const original = fs.readFileSync(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    try {
      fs.chmodSync(file, 0o644);
      const flipped = Buffer.from(original);
      flipped[200] = flipped[200]! ^ 0x01;
      fs.writeFileSync(file, flipped);
      const result = await verify(store);
      expect(result.ok).toBe(false);
      expect(result.problems.map((p) => p.message).join('\n')).toMatch(/now hashes to .*altered/);
    } finally {
      fs.writeFileSync(file, original);
      fs.chmodSync(file, 0o444);
    }
    expect(sha256Hex(fs.readFileSync(file))).toBe(sha);
  });
});

/** The state a log of the first n entries had: replay the leaves through the append arithmetic. */
async function stateAfter(n: number, store: Store): Promise<{ frontier: string[] }> {
  const { appendToFrontier, leafHash } = await import('../../src/core/merkle.ts');
  let frontier: Uint8Array[] = [];
  const rows = await readLogPage(store.db, -1, n);
  rows.forEach((r, i) => {
    frontier = appendToFrontier(frontier, i, leafHash(r.entry));
  });
  return { frontier: frontier.map((h) => Buffer.from(h).toString('hex')) };
}

describe('the archive log on PostgreSQL', () => {
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    const location: StoreLocation = {
      databaseUrl: inject('databaseUrl'),
      schema: `t_${randomUUID().slice(0, 8)}`,
    };
    store = await openStoreAt(location);
    dir = fs.mkdtempSync(path.join(temp(), 'missive-pg-log-'));
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('appends concurrently without index collisions and verifies; a changed entry is named', async () => {
    const blobs = createFsBlobStore(path.join(dir, 'archive'));
    await createRunIfAbsent(store.db, {
      id: 'run_pg',
      communicationType: 'sms-note',
      templateVersionId: 'tv',
      asOf: '2026-10-31',
      source: 'test',
    });
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const bytes = Buffer.from(`document ${i}`);
        await archiveDocument(store.db, blobs, {
          runId: 'run_pg',
          customerId: `C${i}`,
          channel: 'sms',
          templateVersionId: 'tv',
          inputSha256: '',
          artifact: { bytes, mime: 'text/plain', sha256: sha256Hex(bytes), size: bytes.length },
        });
        await appendAudit(store.db, { actor: 'a', action: 'view', targetType: 'c', targetId: String(i) });
      }),
    );
    expect((await getLogState(store.db)).size).toBe(40);
    const ok = await verifyArchive({ db: store.db, blobs });
    expect(ok.ok).toBe(true);
    await sql`update archive_log set entry = replace(entry, '"view"', '"edit"') where seq = 17 and kind = 'audit'`.execute(
      store.db,
    );
    await sql`update archive_log set entry = replace(entry, '"sms"', '"sMs"') where seq = 17 and kind = 'document'`.execute(
      store.db,
    );
    const bad = await verifyArchive({ db: store.db, blobs });
    expect(bad.log.firstBadIndex).toBe(17);
  });
});

function temp(): string {
  return fs.realpathSync(process.env.TMPDIR ?? '/tmp');
}
