import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import type { Customer } from '../../src/core/types.ts';
import { appendAudit, listAudit } from '../../src/store/audit.ts';
import {
  countCommunicationsByStatus,
  findCommunication,
  getCommunication,
  insertCommunicationIfAbsent,
  listCommunicationStatusHistory,
  listCommunicationsForCustomer,
  listRunFailures,
  recordRunFailure,
  setCommunicationStatus,
  transitionCommunicationStatus,
} from '../../src/store/communications.ts';
import {
  countCustomers,
  getCustomer,
  getCustomers,
  listCustomersAfter,
  streamCustomerIds,
  upsertCustomers,
} from '../../src/store/customers.ts';
import { openStore, openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { appendEvent, listEvents } from '../../src/store/events.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createRunIfAbsent, getRun, updateRunStatus } from '../../src/store/runs.ts';
import {
  getLatestTemplateVersion,
  getTemplateVersion,
  saveTemplateVersion,
} from '../../src/store/templates.ts';

/** Where a fresh, empty database lives, and how to plant a table that will break the migration. */
interface Target {
  name: 'sqlite' | 'postgres';
  fresh(): StoreLocation;
  plantConflict(location: StoreLocation): Promise<void>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-store-test-'));
  return {
    name: 'sqlite',
    fresh: () => ({ sqlitePath: path.join(dir, `${randomUUID()}.sqlite`) }),
    plantConflict: async ({ sqlitePath }) => {
      const db = new SqliteDatabase(sqlitePath!);
      db.exec('create table customers (nonsense text)');
      db.close();
    },
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(): Target {
  const url = inject('databaseUrl');
  const schemas: string[] = [];
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  return {
    name: 'postgres',
    fresh: () => {
      schemas.push(`store_test_${randomUUID().replaceAll('-', '')}`);
      return { databaseUrl: url, schema: schemas.at(-1), poolSize: 4 };
    },
    plantConflict: async ({ schema }) =>
      admin(`create schema ${schema}; create table ${schema}.customers (nonsense text)`),
    cleanup: async () => {
      for (const schema of schemas) await admin(`drop schema if exists ${schema} cascade`);
    },
  };
}

function customer(id: string, traits: Customer['traits'] = { segment: 'a', balance: 10 }): Customer {
  return {
    id,
    name: `Name ${id}`,
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    email: `${id}@example.test`,
    phone: '+8613800000000',
    address: { lines: ['1 Road'], postalCode: '100000', city: 'Beijing', country: 'CN' },
    consent: {
      print: { service: true, marketing: false },
      email: { service: true, marketing: true },
      sms: { service: false, marketing: false },
    },
    eDelivery: true,
    traits,
  };
}

const newCommunication = (runId: string, customerId: string) => ({
  runId,
  customerId,
  channel: 'email' as const,
  templateVersionId: 'statement@abc',
  inputSha256: 'f'.repeat(64),
});

describe.each([
  { dialect: 'sqlite', make: sqliteTarget },
  { dialect: 'postgres', make: postgresTarget },
])('store on $dialect', ({ make }) => {
  let target: Target;
  let location: StoreLocation;
  let store: Store;

  beforeAll(async () => {
    target = make();
    location = target.fresh();
    store = await openStoreAt(location);
  });

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  it('migrates once: opening again applies nothing and keeps the data', async () => {
    await upsertCustomers(store.db, [customer('mig-1')]);
    const again = await openStoreAt(location);
    try {
      expect(again.dialect).toBe(target.name);
      const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(again.db);
      const shipped = Object.keys(await migrationProvider(again.dialect).getMigrations()).length;
      expect(Number(rows[0]?.n)).toBe(shipped);
      expect(await getCustomer(again.db, 'mig-1')).toEqual(customer('mig-1'));
    } finally {
      await again.close();
    }
  });

  it('names a failed migration MSV_STORE_MIGRATION_FAILED', async () => {
    const broken = target.fresh();
    await target.plantConflict(broken);
    await expect(openStoreAt(broken)).rejects.toMatchObject({ code: 'MSV_STORE_MIGRATION_FAILED' });
  });

  it('upserts customers: inserted, updated, unchanged (updated_at untouched)', async () => {
    const ids = ['up-1', 'up-2', 'up-3'];
    expect(
      await upsertCustomers(
        store.db,
        ids.map((id) => customer(id)),
      ),
    ).toEqual({
      inserted: 3,
      updated: 0,
      unchanged: 0,
    });
    const before = await store.db
      .selectFrom('customers')
      .select(['id', 'updated_at'])
      .where('id', 'in', ids)
      .execute();
    const reordered = customer('up-2', { balance: 10, segment: 'a' });
    const changed = customer('up-3', { segment: 'b', balance: 10 });
    const counts = await upsertCustomers(store.db, [customer('up-1'), reordered, changed]);
    expect(counts).toEqual({ inserted: 0, updated: 1, unchanged: 2 });
    const after = await store.db
      .selectFrom('customers')
      .select(['id', 'updated_at'])
      .where('id', 'in', ids)
      .execute();
    const stamp = (rows: typeof before, id: string) => rows.find((r) => r.id === id)?.updated_at;
    expect(stamp(after, 'up-1')).toBe(stamp(before, 'up-1'));
    expect(stamp(after, 'up-2')).toBe(stamp(before, 'up-2'));
    expect((await getCustomer(store.db, 'up-3'))?.traits).toEqual({ segment: 'b', balance: 10 });
    expect(await getCustomer(store.db, 'nobody')).toBeUndefined();
  });

  it('pages customers by keyset, never all at once', async () => {
    const ids = Array.from({ length: 1203 }, (_, i) => `page-${String(i).padStart(4, '0')}`);
    expect(
      (
        await upsertCustomers(
          store.db,
          ids.map((id) => customer(id)),
        )
      ).inserted,
    ).toBe(1203);
    const all = (await store.db.selectFrom('customers').select('id').execute()).map((r) => r.id).sort();
    expect(await countCustomers(store.db)).toBe(all.length);

    const streamed: string[] = [];
    for await (const batch of streamCustomerIds(store.db, { batchSize: 500 })) {
      expect(batch.length).toBeLessThanOrEqual(500);
      streamed.push(...batch);
    }
    expect(streamed).toEqual(all);

    const paged: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = await listCustomersAfter(store.db, after, 400);
      paged.push(...page.map((c) => c.id));
      if (page.length < 400) break;
      after = page.at(-1)!.id;
    }
    expect(paged).toEqual(all);
    const picked = await getCustomers(store.db, ['page-0007', 'missing', 'page-0003']);
    expect(picked.map((c) => c.id)).toEqual(['page-0007', 'page-0003']);
  });

  it('keeps one ledger row per (run, customer, channel)', async () => {
    const runId = `run-${randomUUID()}`;
    const run = {
      id: runId,
      communicationType: 'monthly-statement',
      templateVersionId: 't@1',
      asOf: '2026-01-31',
      source: 'store:all',
    };
    expect((await createRunIfAbsent(store.db, run)).created).toBe(true);
    const again = await createRunIfAbsent(store.db, { ...run, asOf: '2099-01-01' });
    expect(again).toMatchObject({ created: false, run: { asOf: '2026-01-31', status: 'planning' } });

    const first = await insertCommunicationIfAbsent(store.db, newCommunication(runId, 'cust-1'));
    const second = await insertCommunicationIfAbsent(store.db, newCommunication(runId, 'cust-1'));
    expect(first.inserted).toBe(true);
    expect(second).toEqual({ inserted: false, id: first.id });
    const rows = await store.db
      .selectFrom('communications')
      .select('id')
      .where('run_id', '=', runId)
      .execute();
    expect(rows).toHaveLength(1);
    expect((await findCommunication(store.db, runId, 'cust-1', 'email'))?.id).toBe(first.id);
    await expect(
      insertCommunicationIfAbsent(store.db, newCommunication('no-such-run', 'cust-1')),
    ).rejects.toThrow();
  });

  it('records every status change, with compare-and-set transitions', async () => {
    const runId = `run-${randomUUID()}`;
    await createRunIfAbsent(store.db, {
      id: runId,
      communicationType: 'bill',
      templateVersionId: 't@1',
      asOf: '2026-02-28',
      source: 'csv',
    });
    const started = await updateRunStatus(store.db, runId, 'running');
    expect(started.startedAt).not.toBeNull();
    const { id } = await insertCommunicationIfAbsent(store.db, newCommunication(runId, 'cust-h'));
    await setCommunicationStatus(store.db, id, 'archived', null, {
      artifactSha256: 'a'.repeat(64),
      artifactSize: 5_000_000_000,
      pages: 2,
    });
    expect(await transitionCommunicationStatus(store.db, id, { from: ['archived'], to: 'sending' })).toBe(
      true,
    );
    expect(await transitionCommunicationStatus(store.db, id, { from: ['archived'], to: 'sending' })).toBe(
      false,
    );
    await setCommunicationStatus(store.db, id, 'sent', null, { providerId: 'msg-1' });

    const history = await listCommunicationStatusHistory(store.db, id);
    expect(history.map((h) => h.status)).toEqual(['pending', 'archived', 'sending', 'sent']);
    expect(await getCommunication(store.db, id)).toMatchObject({
      status: 'sent',
      artifactSize: 5_000_000_000,
      pages: 2,
      providerId: 'msg-1',
    });
    expect(await countCommunicationsByStatus(store.db, runId)).toMatchObject({
      sent: 1,
      pending: 0,
      failed: 0,
    });
    expect((await listCommunicationsForCustomer(store.db, 'cust-h')).map((c) => c.id)).toEqual([id]);
    await expect(setCommunicationStatus(store.db, 'com_missing', 'sent')).rejects.toMatchObject({
      code: 'MSV_STORE_NOT_FOUND',
    });

    await recordRunFailure(store.db, {
      runId,
      customerId: 'cust-x',
      stage: 'render',
      code: 'MSV_RENDER_FAILED',
      reason: 'bad',
    });
    expect(await listRunFailures(store.db, runId)).toMatchObject([{ customerId: 'cust-x', stage: 'render' }]);
    const finished = await updateRunStatus(store.db, runId, 'completed');
    expect(finished).toMatchObject({ status: 'completed', startedAt: started.startedAt });
    expect((await getRun(store.db, runId))?.finishedAt).not.toBeNull();
  });

  it('publishes template versions by content hash: same content, same version', async () => {
    const name = `tpl-${randomUUID().slice(0, 8)}`;
    const publish = (sha: string, body: string) =>
      saveTemplateVersion(store.db, {
        name,
        description: 'Statement',
        sha256: sha.repeat(64),
        files: { 'layout.hbs': body },
      });
    const v1 = await publish('1', 'one');
    expect(v1).toMatchObject({ created: true, templateVersion: { version: 1, status: 'published' } });
    expect(await publish('1', 'one')).toEqual({ templateVersion: v1.templateVersion, created: false });
    const v2 = await publish('2', 'two');
    expect(v2.templateVersion.version).toBe(2);
    const racing = await Promise.all([publish('3', 'three'), publish('4', 'four')]);
    expect(racing.map((r) => r.templateVersion.version).sort()).toEqual([3, 4]);
    expect((await getLatestTemplateVersion(store.db, name))?.version).toBe(4);
    expect((await getTemplateVersion(store.db, v1.templateVersion.id))?.files).toEqual({
      'layout.hbs': 'one',
    });
  });

  it('drops replayed events by (source, source id)', async () => {
    const event = {
      source: 'twilio',
      sourceId: `SM${randomUUID()}`,
      type: 'delivered',
      occurredAt: '2026-01-01T00:00:00.000Z',
      payload: { b: 1, a: 2 },
    };
    expect(await appendEvent(store.db, event)).toBe(true);
    expect(await appendEvent(store.db, { ...event, type: 'bounced' })).toBe(false);
    const events = await listEvents(store.db);
    expect(events.filter((e) => e.sourceId === event.sourceId)).toMatchObject([
      { type: 'delivered', payload: { a: 2, b: 1 } },
    ]);
  });

  it('appends audit entries, newest first', async () => {
    const targetId = `com-${randomUUID()}`;
    await appendAudit(store.db, {
      actor: 'agent-1',
      action: 'document.view',
      targetType: 'communication',
      targetId,
    });
    await appendAudit(store.db, {
      actor: 'agent-2',
      action: 'document.view',
      targetType: 'communication',
      targetId,
      details: { page: 3 },
    });
    const entries = await listAudit(store.db, { targetType: 'communication', targetId });
    expect(entries.map((e) => e.actor)).toEqual(['agent-2', 'agent-1']);
    expect(entries[0]?.details).toEqual({ page: 3 });
  });
});

describe('openStore(config) on SQLite', () => {
  it('creates the file under the data folder, in WAL mode with foreign keys on', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-store-config-'));
    const store = await openStore(loadConfig({ MISSIVE_DATA_DIR: path.join(dataDir, 'nested') }));
    try {
      expect(store.dialect).toBe('sqlite');
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      expect(fk.rows[0]?.foreign_keys).toBe(1);
      expect(fs.existsSync(path.join(dataDir, 'nested', 'missive.sqlite'))).toBe(true);
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
