import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyArchive } from '../../src/archive/archive-verify.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { removeDocuments } from '../../src/archive/remove-documents.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { listCustomerDocuments } from '../../src/store/archived-documents.ts';
import { recordAttachments } from '../../src/store/communication-attachments.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';

/**
 * A statement e-mail names its PDF by reference: the PDF is a blob of its own (communication
 * attachments). Retention and erasure remove it with the e-mail unless another kept e-mail carries
 * the same bytes, and `archive verify` reads it back like the e-mail itself.
 */
const locations: [string, () => StoreLocation | null][] = [
  ['sqlite', () => null],
  ['postgres', () => ({ databaseUrl: inject('databaseUrl'), schema: `t_${randomUUID().slice(0, 8)}` })],
];

function pdf(text: string) {
  return { ...makeArtifact(Buffer.from(`%PDF-1.7 ${text}`), 'application/pdf'), pages: 1 };
}

describe.each(locations)('e-mail attachments in the archive on %s', (dialect, location) => {
  let dir: string;
  let store: Store;
  const blobs = () => createFsBlobStore(path.join(dir, 'archive'));
  const own = pdf('statement of A1 only');
  const shared = pdf('a statement both e-mails carry');

  async function emailWith(customerId: string, attached: ReturnType<typeof pdf>[]): Promise<void> {
    const { communicationId } = await archiveDocument(store.db, blobs(), {
      runId: 'run_attachments',
      customerId,
      channel: 'email',
      templateVersionId: 'tv',
      inputSha256: '',
      artifact: makeArtifact(
        Buffer.from(`From: bank\r\nTo: ${customerId}\r\n\r\nyour statement`),
        'message/rfc822',
      ),
    });
    for (const a of attached) await blobs().put(a.bytes, a.sha256);
    await recordAttachments(
      store.db,
      communicationId,
      attached.map((a, i) => ({
        name: `statement-${i}.pdf`,
        mediaType: a.mime,
        sha256: a.sha256,
        size: a.size,
      })),
    );
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `missive-attachments-${dialect}-`));
    store = await openStoreAt(location() ?? { sqlitePath: path.join(dir, 'missive.sqlite') });
    await upsertCustomers(store.db, [
      { ...synthesizeIdentity('A1'), traits: {} },
      { ...synthesizeIdentity('A2'), traits: {} },
    ]);
    await createRunIfAbsent(store.db, {
      id: 'run_attachments',
      communicationType: 'monthly-statement',
      templateVersionId: 'tv',
      asOf: '2026-10-31',
      source: 'test',
    });
    await emailWith('A1', [own, shared]);
    await emailWith('A2', [shared]);
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('archive verify reads every attached PDF back and names the one that was altered', async () => {
    expect((await verifyArchive({ db: store.db, blobs: blobs() })).ok).toBe(true);
    const file = blobFile(path.join(dir, 'archive'), own.sha256);
    const original = fs.readFileSync(file);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, Buffer.from('%PDF-1.7 altered'));
    try {
      const verified = await verifyArchive({ db: store.db, blobs: blobs() });
      expect(verified.ok).toBe(false);
      expect(verified.problems.map((p) => p.message).join('\n')).toMatch(
        /attached statement-0\.pdf: blob [0-9a-f]{64} now hashes to/,
      );
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('removing an e-mail removes the PDFs only it carried and keeps the ones a kept e-mail still carries', async () => {
    const first = await removeDocuments(
      { db: store.db, blobs: blobs() },
      await listCustomerDocuments(store.db, 'A1'),
      'document.erased',
      { reason: 'test' },
    );
    expect(first).toMatchObject({ removed: 1, blobsDeleted: 2 });
    expect(await blobs().has(own.sha256)).toBe(false);
    expect(await blobs().has(shared.sha256)).toBe(true);
    expect((await verifyArchive({ db: store.db, blobs: blobs() })).ok).toBe(true);

    const second = await removeDocuments(
      { db: store.db, blobs: blobs() },
      await listCustomerDocuments(store.db, 'A2'),
      'document.erased',
      { reason: 'test' },
    );
    expect(second).toMatchObject({ removed: 1, blobsDeleted: 2 });
    expect(await blobs().has(shared.sha256)).toBe(false);
  });
});

/** Where the fs blob store keeps a blob (found by its name, whatever the fan-out). */
function blobFile(root: string, sha256: string): string {
  const found = fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .find((e) => e.isFile() && e.name.startsWith(sha256));
  if (!found) throw new Error(`no blob file ${sha256} under ${root}`);
  return path.join(found.parentPath, found.name);
}
