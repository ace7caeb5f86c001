import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { confirmPrintFile } from '../../src/channels/print-stream/confirm-print-file.ts';
import { loadPrintEntries } from '../../src/channels/print-stream/load-entries.ts';
import { markInPrintFile } from '../../src/channels/print-stream/mark-in-print-file.ts';
import { createLogger } from '../../src/core/logger.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import {
  getCommunication,
  insertCommunicationIfAbsent,
  listCommunicationStatusHistory,
} from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import {
  findPrintPieces,
  listReprintsForPrint,
  type PrintFileDocument,
} from '../../src/store/print-file-documents.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/** print_file_documents (migration 0020) and the print lifecycle's ledger moves, on SQLite and PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('print lifecycle in the store on %s', (dialect) => {
  let store: Store;
  let temp: TempStore | undefined;
  let schema: string | undefined;
  let dir: string;
  const url = () => inject('databaseUrl');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'missive-print-lifecycle-store-'));
    if (dialect === 'sqlite') {
      temp = await openTempStore('print-lifecycle-store');
      store = temp.store;
    } else {
      schema = `print_life_${randomUUID().replaceAll('-', '')}`;
      const location: StoreLocation = { databaseUrl: url(), schema, poolSize: 2 };
      store = await openStoreAt(location);
    }
    await upsertCustomers(
      store.db,
      ['a', 'b', 'c'].map((id) => ({ ...synthesizeIdentity(id), traits: {} })),
    );
    for (const id of ['run_x', 'run_y', 'run_copy']) {
      await createRunIfAbsent(store.db, {
        id,
        communicationType: 'monthly-statement',
        templateVersionId: 't@1',
        asOf: '2026-10-31',
        source: 'store:all',
      });
    }
    const letter = async (runId: string, customerId: string, copyOf?: string) =>
      (
        await insertCommunicationIfAbsent(store.db, {
          runId,
          customerId,
          channel: 'print',
          templateVersionId: 't@1',
          inputSha256: 'i'.repeat(64),
          status: 'archived',
          artifactSha256: 'f'.repeat(64),
          pages: 1,
          ...(copyOf ? { copyOf, copyKind: 'reprint' as const } : {}),
        })
      ).id;
    ids.a = await letter('run_x', 'a');
    ids.b = await letter('run_x', 'b');
    ids.copy = await letter('run_copy', 'c', ids.a);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    if (temp) return temp.close();
    await store?.close();
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
  });

  const placed = (communicationId: string, sequence: number, envelope = sequence): PrintFileDocument => ({
    communicationId,
    runId: 'run_x',
    streamId: 'pst_1',
    fileName: 'run_x-p001.pdf',
    sequence,
    envelope,
  });

  it("a waiting re-print joins any run's print entries until it is in a print file, then only that run's", async () => {
    expect((await listReprintsForPrint(store.db, 'run_y')).map((r) => r.id)).toEqual([ids.copy]);
    expect(
      (await loadPrintEntries(store.db, 'run_x')).entries.map((e) => e.reprintOf ?? null).sort(),
    ).toEqual([ids.a, null, null]);
    expect(
      await markInPrintFile(store.db, [placed(ids.a!, 1), placed(ids.b!, 2, 1), placed(ids.copy!, 3, 2)]),
    ).toBe(3);
    expect(await listReprintsForPrint(store.db, 'run_y')).toEqual([]);
    expect((await listReprintsForPrint(store.db, 'run_x')).map((r) => r.id)).toEqual([ids.copy]);
    expect((await loadPrintEntries(store.db, 'run_copy')).entries).toEqual([]);
    // Again (the streams made again): no status change, the places recorded once.
    expect(await markInPrintFile(store.db, [placed(ids.a!, 1)])).toBe(0);
    expect(await findPrintPieces(store.db, 'run_x-p001.pdf', { envelope: 1 })).toHaveLength(2);
    expect(await findPrintPieces(store.db, 'ignored', { communicationId: ids.copy! })).toEqual([
      placed(ids.copy!, 3, 2),
    ]);
  });

  it('the returned manifest moves letters through the ledger, once', async () => {
    const file = path.join(dir, `returned-${dialect}.csv`);
    await fs.writeFile(
      file,
      'stream,envelope,status,timestamp\nrun_x-p001,1,mailed,2026-11-02T09:00:00Z\nrun_x-p001,2,spoiled,2026-11-02T09:00:00Z\n',
    );
    const deps = { db: store.db, logger: createLogger('silent') };
    const outcome = await confirmPrintFile(deps, file);
    expect(outcome).toMatchObject({ lines: 2, moved: { printed: 0, mailed: 2, spoiled: 1 }, rejected: [] });
    expect((await getCommunication(store.db, ids.b!))!.status).toBe('mailed');
    expect((await getCommunication(store.db, ids.copy!))!.status).toBe('spoiled');
    const history = await listCommunicationStatusHistory(store.db, ids.a!);
    expect(history.map((h) => h.status)).toEqual(['archived', 'in_print_file', 'mailed']);
    expect(history[2]!.reason).toBe(
      'print house: mailed at 2026-11-02T09:00:00.000Z, print file run_x-p001.pdf',
    );
    expect(await confirmPrintFile(deps, file)).toMatchObject({
      moved: { printed: 0, mailed: 0, spoiled: 0 },
      unchanged: 3,
    });
    expect(await listCommunicationStatusHistory(store.db, ids.a!)).toHaveLength(3);
  });
});
