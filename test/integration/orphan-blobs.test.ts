import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyArchive } from '../../src/archive/archive-verify.ts';
import { eraseCustomer } from '../../src/archive/erasure.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { type ArchiveRequest, archiveDocument, storeDocument } from '../../src/archive/ledger.ts';
import { findOrphanBlobs, purgeOrphanBlobs } from '../../src/archive/orphan-blobs.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { listPendingBlobs } from '../../src/store/pending-blobs.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { ROOT } from '../support/stores.ts';

const execFileP = promisify(execFile);
const HOUR = 3_600_000;

/**
 * RELIABILITY (issue 17): a crash between a document's blob write and its ledger commit leaves a
 * blob no ledger row references. The archive records each document blob as pending before writing
 * it and clears it with the ledger row, so such an orphan is known: `archive verify` names it,
 * `archive purge` removes it after 24 h, erasure removes the customer's at once. The crash is the
 * state it leaves: storeDocument (bytes and sealed inputs written) without recordDocument.
 */
function requestFor(customerId: string, text: string): ArchiveRequest {
  const bytes = Buffer.from(`%PDF-1.7 statement for ${customerId}: ${text}`);
  return {
    runId: 'run_orphans',
    customerId,
    channel: 'print',
    templateVersionId: 'tv',
    inputSha256: '',
    artifact: { ...makeArtifact(bytes, 'application/pdf'), pages: 1 },
  };
}

async function age(store: Store, hours: number): Promise<void> {
  const at = new Date(Date.now() - hours * HOUR).toISOString();
  await sql`update pending_blobs set created_at = ${at}`.execute(store.db);
}

const locations: [string, () => StoreLocation | null][] = [
  ['sqlite', () => null],
  ['postgres', () => ({ databaseUrl: inject('databaseUrl'), schema: `t_${randomUUID().slice(0, 8)}` })],
];

describe.each(locations)('orphan blobs on %s', (dialect, location) => {
  let dir: string;
  let store: Store;
  const blobs = () => createFsBlobStore(path.join(dir, 'archive'));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `missive-orphans-${dialect}-`));
    store = await openStoreAt(location() ?? { sqlitePath: path.join(dir, 'missive.sqlite') });
    await upsertCustomers(store.db, [
      { ...synthesizeIdentity('O1'), traits: {} },
      { ...synthesizeIdentity('O2'), traits: {} },
      { ...synthesizeIdentity('O3'), traits: {} },
    ]);
    await createRunIfAbsent(store.db, {
      id: 'run_orphans',
      communicationType: 'monthly-statement',
      templateVersionId: 'tv',
      asOf: '2026-10-31',
      source: 'test',
    });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a committed document leaves nothing pending; a crash before the commit leaves a known orphan', async () => {
    await archiveDocument(store.db, blobs(), requestFor('O1', 'committed'));
    expect(await listPendingBlobs(store.db, { limit: 10 })).toEqual([]);

    const crashed = requestFor('O2', 'crashed before its ledger row');
    await storeDocument(store.db, blobs(), crashed);
    expect(await blobs().has(crashed.artifact.sha256)).toBe(true);
    // A run still working on it is not an orphan yet…
    expect((await findOrphanBlobs(store.db)).count).toBe(0);
    const verified = await verifyArchive({ db: store.db, blobs: blobs() });
    expect(verified.orphans.count).toBe(0);
    // …one that stopped an hour ago is, and verify names it (the archive itself is intact).
    await age(store, 2);
    const later = await verifyArchive({ db: store.db, blobs: blobs() });
    expect(later.ok).toBe(true);
    expect(later.orphans.count).toBe(1);
    expect(later.orphans.first[0]).toMatchObject({
      sha256: crashed.artifact.sha256,
      runId: 'run_orphans',
      customerId: 'O2',
    });
    // Purge keeps it within the grace period (the run may still be resumed)…
    expect(await purgeOrphanBlobs({ db: store.db, blobs: blobs() })).toEqual({
      orphans: 0,
      blobsDeleted: 0,
      kept: 0,
    });
    // …and removes it after.
    await age(store, 25);
    expect(await purgeOrphanBlobs({ db: store.db, blobs: blobs() })).toEqual({
      orphans: 1,
      blobsDeleted: 1,
      kept: 0,
    });
    expect(await blobs().has(crashed.artifact.sha256)).toBe(false);
    expect((await findOrphanBlobs(store.db)).count).toBe(0);
  });

  it('a resumed run commits the document it had written: nothing left to purge', async () => {
    const request = requestFor('O2', 'written, crashed, then resumed');
    await storeDocument(store.db, blobs(), request);
    await archiveDocument(store.db, blobs(), request);
    expect(await listPendingBlobs(store.db, { customerId: 'O2', limit: 10 })).toEqual([]);
    expect(await blobs().has(request.artifact.sha256)).toBe(true);
  });

  it('never deletes bytes a recorded document uses', async () => {
    // The same bytes for another channel: one committed, one crashed.
    const shared = requestFor('O1', 'committed');
    await storeDocument(store.db, blobs(), { ...shared, channel: 'email' });
    await age(store, 25);
    expect(await purgeOrphanBlobs({ db: store.db, blobs: blobs() })).toEqual({
      orphans: 1,
      blobsDeleted: 0,
      kept: 1,
    });
    expect(await blobs().has(shared.artifact.sha256)).toBe(true);
  });

  it("erasure removes the customer's orphans at once", async () => {
    const crashed = requestFor('O3', 'crashed, then the customer asked to be forgotten');
    await storeDocument(store.db, blobs(), crashed);
    const outcome = await eraseCustomer({ db: store.db, blobs: blobs() }, 'O3', {
      actor: 'test',
      reason: 'erasure request',
    });
    expect(outcome.blobsDeleted).toBe(1);
    expect(await blobs().has(crashed.artifact.sha256)).toBe(false);
    expect(await listPendingBlobs(store.db, { customerId: 'O3', limit: 10 })).toEqual([]);
  });

  if (dialect === 'sqlite') {
    it('missive archive verify names the orphan and missive archive purge removes it', async () => {
      const crashed = requestFor('O2', 'seen through the command line');
      await storeDocument(store.db, blobs(), crashed);
      await age(store, 30);
      const missive = (...args: string[]) =>
        execFileP(process.execPath, [path.join(ROOT, 'bin', 'missive.js'), ...args], {
          env: { ...process.env, MISSIVE_DATA_DIR: dir, MISSIVE_LOG_LEVEL: 'silent', DATABASE_URL: '' },
        });
      const verify = await missive('archive', 'verify');
      expect(verify.stdout).toMatch(
        /orphans +1 blob\(s\) written by a run that stopped before recording them/,
      );
      expect(verify.stdout).toContain('run run_orphans');
      expect(verify.stdout).toContain('verified: the archive is intact (1 orphan blob(s) to purge)');
      const purge = await missive('archive', 'purge');
      expect(purge.stdout).toContain('removed 1 orphan(s): 1 blob(s) deleted, 0 kept');
      expect(await blobs().has(crashed.artifact.sha256)).toBe(false);
      expect((await missive('archive', 'verify')).stdout).toContain('verified: the archive is intact\n');
    });
  }
});
