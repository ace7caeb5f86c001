import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { getDecision, listDecisionsForCustomer, saveDecisionIfAbsent } from '../../src/store/decisions.ts';
import { addModelStats, loadModelStats } from '../../src/store/model-stats.ts';
import {
  getCatalogVersion,
  getLatestCatalogVersion,
  listCatalogVersions,
  listOfferVersions,
  publishCatalogVersion,
} from '../../src/store/offers.ts';

/** The rules stage's repositories on both databases: catalog versions, offers, decisions, model statistics. */

interface Target {
  fresh(): StoreLocation;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-rules-store-'));
  return {
    fresh: () => ({ sqlitePath: path.join(dir, `${randomUUID()}.sqlite`) }),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(): Target {
  const url = inject('databaseUrl');
  const schemas: string[] = [];
  return {
    fresh: () => {
      schemas.push(`rules_test_${randomUUID().replaceAll('-', '')}`);
      return { databaseUrl: url, schema: schemas.at(-1), poolSize: 4 };
    },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

const definition = (rate: number) => ({
  description: 'test',
  offers: [
    { id: 'deposit', prior: { alpha: 1, beta: rate } },
    { id: 'card', prior: { alpha: 1, beta: 3 } },
  ],
});

describe.each([
  { dialect: 'sqlite', make: sqliteTarget },
  { dialect: 'postgres', make: postgresTarget },
])('rules repositories on $dialect', ({ make }) => {
  let target: Target;
  let store: Store;

  beforeAll(async () => {
    target = make();
    store = await openStoreAt(target.fresh());
  });
  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  it('publishes catalog versions content-addressed, and versions each changed offer', async () => {
    const v1 = await publishCatalogVersion(store.db, { name: 'bank', definition: definition(9) });
    expect(v1.created).toBe(true);
    expect(v1.catalogVersion).toMatchObject({ name: 'bank', version: 1 });
    expect(v1.catalogVersion.id).toMatch(/^bank@[0-9a-f]{12}$/);
    expect(v1.changedOffers).toEqual([
      { id: 'deposit', version: 1 },
      { id: 'card', version: 1 },
    ]);
    const again = await publishCatalogVersion(store.db, { name: 'bank', definition: definition(9) });
    expect(again).toMatchObject({ created: false, changedOffers: [] });
    expect(again.catalogVersion.id).toBe(v1.catalogVersion.id);

    const v2 = await publishCatalogVersion(store.db, { name: 'bank', definition: definition(19) });
    expect(v2.catalogVersion.version).toBe(2);
    expect(v2.changedOffers).toEqual([{ id: 'deposit', version: 2 }]);
    expect((await getLatestCatalogVersion(store.db, 'bank'))?.id).toBe(v2.catalogVersion.id);
    expect((await getCatalogVersion(store.db, v1.catalogVersion.id))?.definition).toEqual(definition(9));
    expect((await listOfferVersions(store.db, 'deposit')).map((o) => o.version)).toEqual([1, 2]);
    expect((await listCatalogVersions(store.db)).map((v) => v.version)).toEqual([2, 1]);
    expect(await getLatestCatalogVersion(store.db, 'telecom')).toBeUndefined();
  });

  it('keeps one decision per run and customer: a second save returns the first', async () => {
    const base = {
      runId: 'run-1',
      customerId: 'c1',
      communicationType: 'monthly-statement',
      catalogVersion: 'bank@abc',
      modelVersion: 'prior-only',
      seed: 'seed_1',
      holdout: false,
      decision: { offers: [{ offerId: 'deposit', propensity: 0.5 }] },
    };
    expect((await saveDecisionIfAbsent(store.db, base)).inserted).toBe(true);
    const second = await saveDecisionIfAbsent(store.db, { ...base, seed: 'other', decision: { offers: [] } });
    expect(second.inserted).toBe(false);
    expect(second.stored.decision).toEqual(base.decision);
    expect(second.stored.seed).toBe('seed_1');
    await saveDecisionIfAbsent(store.db, { ...base, runId: 'run-2', holdout: true });
    expect((await getDecision(store.db, 'run-2', 'c1'))?.holdout).toBe(true);
    expect(await getDecision(store.db, 'run-3', 'c1')).toBeUndefined();
    expect((await listDecisionsForCustomer(store.db, 'c1')).map((d) => d.runId).sort()).toEqual([
      'run-1',
      'run-2',
    ]);
  });

  it('adds model statistics by increment', async () => {
    await addModelStats(store.db, [
      { offerId: 'deposit', segment: '25-34|student', exposures: 10, successes: 2 },
      { offerId: 'card', segment: '25-34|student', exposures: 5, successes: 0 },
    ]);
    await addModelStats(store.db, [
      { offerId: 'deposit', segment: '25-34|student', exposures: 5, successes: 1 },
    ]);
    expect(await loadModelStats(store.db)).toEqual([
      { offerId: 'card', segment: '25-34|student', exposures: 5, successes: 0 },
      { offerId: 'deposit', segment: '25-34|student', exposures: 15, successes: 3 },
    ]);
  });
});
