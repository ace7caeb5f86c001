import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import {
  decideCorrection,
  getCorrection,
  getCorrectionByClient,
  insertCorrection,
  listCorrectedBy,
  listCorrections,
} from '../../src/store/communication-corrections.ts';
import { insertCommunicationIfAbsent } from '../../src/store/communications.ts';
import { deleteCustomerPersonalData } from '../../src/store/customer-erasure.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { openTempStore, type TempStore } from '../support/stores.ts';

/** Corrected copies' store (migration 0022) on SQLite and PostgreSQL: one request per form id, decided once, links. */
describe.each(['sqlite', 'postgres'] as const)('communication corrections on %s', (dialect) => {
  let temp: TempStore | undefined;
  let store: Store;
  const schema = `corrections_${randomUUID().replaceAll('-', '')}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      temp = await openTempStore('corrections-store');
      store = temp.store;
    } else {
      store = await openStoreAt({ databaseUrl: inject('databaseUrl'), schema, poolSize: 2 });
    }
    await upsertCustomers(store.db, [{ ...synthesizeIdentity('a'), traits: {} }]);
    for (const id of ['run_x', 'run_fix']) {
      await createRunIfAbsent(store.db, {
        id,
        communicationType: 'monthly-statement',
        templateVersionId: 't@1',
        asOf: '2026-10-31',
        source: 'store:all',
      });
    }
    const row = async (runId: string, copyOf?: string) =>
      (
        await insertCommunicationIfAbsent(store.db, {
          runId,
          customerId: 'a',
          channel: 'print',
          templateVersionId: 't@1',
          inputSha256: 'i'.repeat(64),
          status: 'archived',
          artifactSha256: 'f'.repeat(64),
          pages: 1,
          ...(copyOf ? { copyOf, copyKind: 'correction' as const } : {}),
        })
      ).id;
    ids.original = await row('run_x');
    ids.fixed = await row('run_fix', ids.original);
  }, 60_000);
  afterAll(async () => {
    if (temp) await temp.close();
    else {
      await store?.close();
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  const request = {
    id: 'cor_1',
    customerId: 'a',
    communicationId: '',
    requestedBy: 'user:agent1',
    clientId: 'form-0001',
    status: 'pending' as const,
    fields: [{ path: 'closingBalance', amount: true }],
    changesAmount: true,
    send: 'none' as const,
    sealedChanges: 'c2VhbGVk',
    keyId: 'key_1',
    reason: 'fee refunded',
    requestedAt: '2026-12-06T20:00:00.000Z',
  };

  it('records a request once per requester and form id, and decides it once', async () => {
    const c = { ...request, communicationId: ids.original! };
    expect(await insertCorrection(store.db, c)).toBe(true);
    expect(await insertCorrection(store.db, { ...c, id: 'cor_2' })).toBe(false);
    expect(await getCorrectionByClient(store.db, 'user:agent1', 'form-0001')).toMatchObject({
      id: 'cor_1',
      fields: [{ path: 'closingBalance', amount: true }],
      changesAmount: true,
      sealedChanges: 'c2VhbGVk',
    });
    expect((await listCorrections(store.db, { status: 'pending' })).map((r) => r.id)).toEqual(['cor_1']);
    const decision = {
      status: 'applied' as const,
      decidedBy: 'user:admin1',
      decidedAt: '2026-12-06T20:05:00.000Z',
      reason: 'checked',
      correctionId: ids.fixed!,
    };
    expect(await decideCorrection(store.db, 'cor_1', decision)).toBe(true);
    expect(await decideCorrection(store.db, 'cor_1', { ...decision, status: 'refused' })).toBe(false);
    expect(await getCorrection(store.db, 'cor_1')).toMatchObject({
      status: 'applied',
      decidedBy: 'user:admin1',
      correctionId: ids.fixed,
      sealedChanges: null,
    });
    expect(await listCorrections(store.db, { status: 'pending' })).toEqual([]);
    expect((await listCorrections(store.db, { communicationId: ids.original! })).length).toBe(1);
  });

  it('finds the versions that correct a communication', async () => {
    const by = await listCorrectedBy(store.db, [ids.original!, ids.fixed!]);
    expect(by.get(ids.original!)).toEqual([ids.fixed]);
    expect(by.has(ids.fixed!)).toBe(false);
    expect((await listCorrectedBy(store.db, [])).size).toBe(0);
  });

  it('erasure closes a pending correction and drops its sealed values', async () => {
    const c = { ...request, id: 'cor_3', clientId: 'form-0003', communicationId: ids.original! };
    expect(await insertCorrection(store.db, c)).toBe(true);
    await deleteCustomerPersonalData(store.db, 'a');
    expect(await getCorrection(store.db, 'cor_3')).toMatchObject({
      status: 'refused',
      sealedChanges: null,
      decidedBy: 'erasure',
    });
    expect((await getCorrection(store.db, 'cor_1'))?.status).toBe('applied');
  });
});
