import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { customerTimeline } from '../../src/api/lookup/timeline.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { deleteCustomerPersonalData } from '../../src/store/customer-erasure.ts';
import { searchCustomers } from '../../src/store/customer-search.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { appendEvent } from '../../src/store/events.ts';
import { createSession, deleteExpiredSessions, findSession, getUser } from '../../src/store/users.ts';
import { bearer, CANARY, PASSWORD, type SeededDocuments, seedDocuments, seedUsers } from '../support/api.ts';

/** The API's queries on both databases: search, timeline, users, sessions, tokens, sign-in. */
describe.each(['sqlite', 'postgres'] as const)('API store queries on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let seeded: SeededDocuments;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-api-store-'));
  const schema = `api_store_${randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    const location: StoreLocation =
      dialect === 'sqlite'
        ? { sqlitePath: path.join(dir, 'missive.sqlite') }
        : { databaseUrl: inject('databaseUrl'), schema, poolSize: 4 };
    store = await openStoreAt(location);
    tokens = await seedUsers(store.db);
    seeded = await seedDocuments(store.db, createFsBlobStore(path.join(dir, 'archive')));
    app = buildApp({ db: store.db, blobs: createFsBlobStore(path.join(dir, 'archive')) });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  it('searches by every kind, with LIKE wildcards taken literally', async () => {
    const ids = async (q: string, kind?: 'name' | 'phone' | 'email' | 'account' | 'id') =>
      (await searchCustomers(store.db, { q, kind })).map((c) => c.id);
    expect(await ids('C0002', 'id')).toEqual(['C0002']);
    expect(await ids('CANARY z', 'name')).toEqual(['C0001']);
    expect(await ids('13912345678', 'phone')).toEqual(['C0001']);
    expect(await ids(CANARY.email.toUpperCase(), 'email')).toEqual(['C0001']);
    expect(await ids('6222-0212-3456-7890', 'account')).toEqual(['C0001']);
    expect(await ids('%')).toEqual([]);
    expect(await ids('_anary')).toEqual([]);
    expect(await ids("' or 1=1 --")).toEqual([]);
  });

  it('finds by the last four digits of the phone and a Chinese name by its pinyin; erasure removes the keys', async () => {
    await upsertCustomers(store.db, [
      { ...synthesizeIdentity('P1'), name: '罗海燕', phone: '+8613800004321', traits: {} },
      { ...synthesizeIdentity('P2'), name: '吕秀兰', phone: '+447700900321', traits: {} },
      { ...synthesizeIdentity('P3'), name: '欧阳建国', phone: '+8613900009876', traits: {} },
    ]);
    const ids = async (q: string) => (await searchCustomers(store.db, { q })).map((c) => c.id).sort();
    expect(await ids('4321')).toEqual(['P1']);
    expect(await ids('luo haiyan')).toEqual(['P1']);
    expect(await ids('Luó Hǎiyàn')).toEqual(['P1']);
    expect(await ids('luohai')).toEqual(['P1']);
    expect(await ids('haiyan luo')).toEqual(['P1']);
    expect(await ids('lhy')).toEqual(['P1']);
    expect(await ids('lv xiulan')).toEqual(['P2']);
    expect(await ids('lu xiulan')).toEqual(['P2']);
    expect(await ids('ouyang jianguo')).toEqual(['P3']);
    expect(await ids('jianguo ouyang')).toEqual(['P3']);
    expect(await ids('zzz')).toEqual([]);
    // A changed name or phone changes its keys.
    await upsertCustomers(store.db, [
      { ...synthesizeIdentity('P1'), name: '王伟', phone: '+8613800001111', traits: {} },
    ]);
    expect(await ids('4321')).toEqual([]);
    expect(await ids('wang wei')).toEqual(['P1']);
    await deleteCustomerPersonalData(store.db, 'P3');
    const left = await store.db
      .selectFrom('customer_search_keys')
      .select('key')
      .where('customer_id', '=', 'P3')
      .execute();
    expect(left).toEqual([]);
  });

  it('the timeline: communications across channels with run type and offers, events newest first', async () => {
    await appendEvent(store.db, {
      source: 'call-center',
      sourceId: `t-${dialect}`,
      type: 'disposition',
      communicationId: seeded.ids.C0001!.print!,
      customerId: 'C0001',
      payload: { outcome: 'interested', note: `card ${CANARY.pan}` },
      occurredAt: '2026-11-20T10:00:00.000Z',
    });
    const timeline = await customerTimeline(store.db, 'C0001');
    expect(timeline.communications.map((c) => c.channel).sort()).toEqual(['email', 'print', 'sms']);
    expect(timeline.communications[0]).toMatchObject({
      type: 'monthly-statement',
      asOf: '2026-10-31',
      offers: ['term-deposit'],
    });
    expect(timeline.events).toHaveLength(1);
    expect(timeline.events[0]!.payload.note).toBe('card 411111******1111');
    expect((await customerTimeline(store.db, 'nobody')).communications).toEqual([]);
  });

  it('users, sessions with expiry, tokens, sign-in through the API', async () => {
    expect((await getUser(store.db, 'agent1'))?.role).toBe('agent');
    await createSession(store.db, {
      tokenSha256: 'h1',
      userName: 'agent1',
      csrfToken: 'c',
      expiresAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await findSession(store.db, 'h1', '2025-12-31T00:00:00.000Z')).toMatchObject({ csrfToken: 'c' });
    expect(await findSession(store.db, 'h1', '2026-01-02T00:00:00.000Z')).toBeUndefined();
    expect(await deleteExpiredSessions(store.db, '2026-01-02T00:00:00.000Z')).toBeGreaterThanOrEqual(1);
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { name: 'marketer1', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'missive_session')!.value;
    expect(
      (await app.inject({ url: '/api/runs', headers: { cookie: `missive_session=${cookie}` } })).json().runs,
    ).toHaveLength(1);
    const doc = await app.inject({
      url: `/api/customers/C0002/communications/${seeded.ids.C0002!.print}/document`,
      headers: bearer(tokens.agent),
    });
    expect(doc.statusCode).toBe(200);
  });
});
