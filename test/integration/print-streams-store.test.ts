import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { snapshotInput } from '../../src/archive/input-snapshot.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import { loadPrintEntries } from '../../src/channels/print-stream/load-entries.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { insertCommunicationIfAbsent, recordRunFailure } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import {
  hasRunFailure,
  listPrintStreams,
  type NewPrintStream,
  replacePrintStreams,
} from '../../src/store/print-streams.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import type { JsonValue } from '../../src/templates/types.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/** The print_streams table (migration 0004) and the print stream's ledger reads, on SQLite and PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('print streams in the store on %s', (dialect) => {
  let store: Store;
  let temp: TempStore | undefined;
  let schema: string | undefined;
  const url = () => inject('databaseUrl');

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      temp = await openTempStore('print-store');
      store = temp.store;
    } else {
      schema = `print_test_${randomUUID().replaceAll('-', '')}`;
      const location: StoreLocation = { databaseUrl: url(), schema, poolSize: 2 };
      store = await openStoreAt(location);
    }
    for (const id of ['run_1', 'run_2', 'run_3']) {
      await createRunIfAbsent(store.db, {
        id,
        communicationType: 'monthly-statement',
        templateVersionId: 't@1',
        asOf: '2026-10-31',
        source: 'store:all',
      });
    }
  });

  afterAll(async () => {
    if (temp) return temp.close();
    await store?.close();
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
  });

  const stream = (index: number): NewPrintStream => ({
    runId: 'run_1',
    optionsKey: 'k1',
    options: { size: 2, duplex: true },
    index,
    fileName: `run_1-p00${index}.pdf`,
    sha256: String(index).repeat(64),
    size: 5_000_000_000 + index,
    manifestSha256: 'm'.repeat(64),
    documents: 2,
    pages: 3,
    physicalPages: 4,
    blankPages: 1,
    sheets: 2,
    envelopes: 2,
  });

  it('replaces the files of a run and options, leaving other options alone', async () => {
    await replacePrintStreams(store.db, 'run_1', 'k1', [stream(1), stream(2), stream(3)]);
    await replacePrintStreams(store.db, 'run_1', 'k2', [{ ...stream(1), optionsKey: 'k2' }]);
    await replacePrintStreams(store.db, 'run_1', 'k1', [stream(1), stream(2)]);
    const rows = await listPrintStreams(store.db, 'run_1');
    expect(rows.map((r) => [r.optionsKey, r.index])).toEqual([
      ['k1', 1],
      ['k1', 2],
      ['k2', 1],
    ]);
    expect(rows[0]).toMatchObject({ ...stream(1), options: { size: 2, duplex: true } });
  });

  it('knows whether a failure is already in the list', async () => {
    expect(await hasRunFailure(store.db, 'run_1', 'c1', 'print', 'MSV_PRINT_ADDRESS_INVALID')).toBe(false);
    await recordRunFailure(store.db, {
      runId: 'run_1',
      customerId: 'c1',
      stage: 'print',
      code: 'MSV_PRINT_ADDRESS_INVALID',
      reason: 'no postal address',
    });
    expect(await hasRunFailure(store.db, 'run_1', 'c1', 'print', 'MSV_PRINT_ADDRESS_INVALID')).toBe(true);
    expect(await hasRunFailure(store.db, 'run_1', 'c1', 'print', 'MSV_ARCHIVE_TAMPERED')).toBe(false);
  });

  it("reads only the run's archived and sent print documents, and names the unprintable ones", async () => {
    const people = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ ...synthesizeIdentity(id), traits: {} }));
    people[3] = { ...people[3]!, address: null };
    await upsertCustomers(store.db, people);
    const row = (customerId: string, channel: 'print' | 'email', status: 'archived' | 'sent' | 'failed') =>
      insertCommunicationIfAbsent(store.db, {
        runId: 'run_2',
        customerId,
        channel,
        templateVersionId: 't@1',
        inputSha256: 'i'.repeat(64),
        status,
        artifactSha256: 'f'.repeat(64),
        pages: 2,
      });
    await row('a', 'print', 'archived');
    await row('b', 'print', 'sent');
    await row('c', 'print', 'failed');
    await row('d', 'print', 'archived');
    await row('e', 'email', 'archived');
    const { entries, unprintable } = await loadPrintEntries(store.db, 'run_2');
    expect(entries.map((e) => e.customerId).sort()).toEqual(['a', 'b']);
    expect(entries[0]!.address.postalCode).toBe(
      people.find((p) => p.id === entries[0]!.customerId)!.address!.postalCode,
    );
    expect(unprintable.map((u) => [u.customerId, u.code, u.reason])).toEqual([
      ['d', 'MSV_PRINT_ADDRESS_INVALID', 'no postal address'],
    ]);
  });

  it('mails a batch document to the address in its window when the customer moved during the run', async () => {
    const blobsDir = fs.mkdtempSync(path.join(os.tmpdir(), `print-moved-${dialect}-`));
    const blobs = createFsBlobStore(blobsDir);
    const [moved, stayed] = ['m', 'n'].map((id) => ({
      ...synthesizeIdentity(`${dialect}-${id}`),
      traits: {},
    }));
    await upsertCustomers(store.db, [moved!, stayed!]);
    // Rendered from the records as they were: the sealed inputs hold the address in the window.
    for (const customer of [moved!, stayed!]) {
      const input = snapshotInput({
        templateVersionId: 't@1',
        communicationType: 'monthly-statement',
        channel: 'print',
        asOf: '2026-10-31',
        locale: customer.locale,
        // A PostalAddress is JSON; its interface has no index signature, hence the cast.
        data: { customer: { name: customer.name, address: customer.address as unknown as JsonValue } },
      });
      await archiveDocument(store.db, blobs, {
        runId: 'run_3',
        customerId: customer.id,
        channel: 'print',
        templateVersionId: 't@1',
        inputSha256: input.sha256,
        input,
        artifact: { ...makeArtifact(Buffer.from(`%PDF-1.7 ${customer.id}`), 'application/pdf'), pages: 1 },
      });
    }
    // An import during the run moves one customer; the print stream is built afterwards.
    const newAddress = { ...moved!.address!, lines: ['Flat 2', '9 New Road'], postalCode: 'ZZ9 9ZZ' };
    await new Promise((r) => setTimeout(r, 5)); // a later updated_at than the ledger row's created_at
    await upsertCustomers(store.db, [{ ...moved!, address: newAddress }]);
    const { entries } = await loadPrintEntries(store.db, 'run_3', blobs);
    const byCustomer = new Map(entries.map((e) => [e.customerId, e.address]));
    expect(byCustomer.get(moved!.id)?.postalCode).toBe(moved!.address!.postalCode);
    expect(byCustomer.get(moved!.id)?.lines).toEqual(moved!.address!.lines);
    expect(byCustomer.get(stayed!.id)?.postalCode).toBe(stayed!.address!.postalCode);
    fs.rmSync(blobsDir, { recursive: true, force: true });
  });
});
