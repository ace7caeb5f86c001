import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { Customer } from '../../src/core/types.ts';
import { loadCustomerHistory, loadModel, loadPublishedCatalog } from '../../src/rules/context-loader.ts';
import { decide } from '../../src/rules/decide.ts';
import type { Decision } from '../../src/rules/decision.ts';
import { isHeldOut } from '../../src/rules/holdout.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { insertCommunicationIfAbsent } from '../../src/store/communications.ts';
import type { Store } from '../../src/store/db.ts';
import { getDecision, saveDecisionIfAbsent } from '../../src/store/decisions.ts';
import { appendEvent } from '../../src/store/events.ts';
import { addModelStats } from '../../src/store/model-stats.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { importBankCustomers, openTempStore, type TempStore } from '../support/stores.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const AS_OF = '2026-10-31';
const NOW = '2026-11-23T10:00:00.000Z';

/** The sample bank customers, imported and stored, decided with the shipped bank catalog. */
describe('deciding for imported customers with the shipped bank catalog', () => {
  let store: Store;
  let temp: TempStore | undefined;
  const customers: Customer[] = [];

  beforeAll(async () => {
    temp = await openTempStore('rules');
    ({ store } = temp);
    customers.push(...(await importBankCustomers(store)));
    await publishCatalogDir(store.db, path.join(root, 'catalogs', 'bank'), AS_OF);
  });
  afterAll(async () => {
    await temp?.close();
  });

  it('decides for every sample customer: each gets a channel or a suppression reason, offers obey the slots', async () => {
    const catalog = await loadPublishedCatalog(store.db, 'bank');
    const model = await loadModel(store.db);
    const decisions: Decision[] = [];
    for (const customer of customers) {
      const history = await loadCustomerHistory(store.db, customer.id, catalog, NOW);
      const ctx = {
        asOf: AS_OF,
        now: NOW,
        runId: 'run-it',
        communicationType: 'monthly-statement',
        catalog,
        model,
        history,
      };
      const decision = decide(customer, ctx);
      expect(decide(customer, ctx)).toEqual(decision);
      decisions.push(decision);
    }
    expect(decisions).toHaveLength(200);
    for (const d of decisions) {
      expect(d.channel !== null || d.suppressed !== null).toBe(true);
      expect(d.offers.length).toBeLessThanOrEqual(2);
      const groups = d.offers.map((o) => o.exclusionGroup);
      expect(new Set(groups).size).toBe(groups.length);
      expect(d.offers.length + d.rejected.length <= 8).toBe(true);
    }
    const held = decisions.filter((d) => d.holdout).length;
    expect(held).toBeGreaterThan(5);
    expect(held).toBeLessThan(40);
    const chosen = new Set(decisions.flatMap((d) => d.offers.map((o) => o.offerId)));
    expect(chosen.size).toBeGreaterThanOrEqual(5);
    const stored = await saveDecisionIfAbsent(store.db, {
      runId: 'run-it',
      customerId: decisions[0]!.customerId,
      communicationType: 'monthly-statement',
      catalogVersion: decisions[0]!.catalogVersion,
      modelVersion: decisions[0]!.modelVersion,
      seed: decisions[0]!.seed,
      holdout: decisions[0]!.holdout,
      decision: decisions[0]!,
    });
    expect((await getDecision<Decision>(store.db, 'run-it', stored.stored.customerId))?.decision).toEqual(
      decisions[0],
    );
  });

  it('reads caps from the ledger and declines and conversions from events', async () => {
    const catalog = await loadPublishedCatalog(store.db, 'bank');
    // one not in the statement's control group, consenting to everything: its offers are considered
    const all = { service: true, marketing: true };
    const found = customers.find((c) => !isHeldOut(c.id, 'monthly-statement', 0.1))!;
    const target: Customer = { ...found, consent: { print: all, email: all, sms: all } };
    const id = target.id;
    // ledger rows are stamped with the real clock: decide "now" and date the events relative to it
    const now = new Date(Date.now() + 60_000).toISOString();
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    for (const run of ['promo-1', 'promo-2']) {
      await createRunIfAbsent(store.db, {
        id: run,
        communicationType: 'cross-sell-promotion',
        templateVersionId: 't@1',
        asOf: AS_OF,
        source: 'test',
      });
      await insertCommunicationIfAbsent(store.db, {
        runId: run,
        customerId: id,
        channel: 'email',
        templateVersionId: 't@1',
        inputSha256: 'f'.repeat(64),
        status: 'sent',
      });
    }
    const model = await loadModel(store.db);
    const base = {
      asOf: AS_OF,
      now,
      runId: 'promo-3',
      catalog,
      model,
      communicationType: 'monthly-statement',
    };
    const before = decide(target, base);
    const declinedOffer = before.offers.map((o) => o.offerId).find((o) => o !== 'term-deposit')!;
    expect(declinedOffer).toBeDefined();
    await appendEvent(store.db, {
      source: 'call-center',
      sourceId: 'e1',
      type: 'disposition',
      customerId: id,
      offerId: declinedOffer,
      payload: { outcome: 'declined' },
      occurredAt: daysAgo(20),
    });
    await appendEvent(store.db, {
      source: 'tracking',
      sourceId: 'e2',
      type: 'converted',
      customerId: id,
      offerId: 'term-deposit',
      occurredAt: daysAgo(10),
    });
    const history = await loadCustomerHistory(store.db, id, catalog, now);
    expect(history.communications.map((c) => c.purpose)).toEqual(['marketing', 'marketing']);
    expect(history.declined).toEqual([{ offerId: declinedOffer, at: expect.any(String) }]);
    expect(history.heldProducts).toEqual(['term-deposit']);
    const ctx = { ...base, history };
    expect(decide(target, { ...ctx, communicationType: 'cross-sell-promotion' }).suppressed?.rule).toBe(
      'frequency-cap',
    );
    const statement = decide(target, { ...ctx, communicationType: 'monthly-statement' });
    expect(statement.offersSuppressed).toBeNull();
    const rules = Object.fromEntries(statement.rejected.map((r) => [r.offerId, r.rule]));
    expect(rules['term-deposit']).toBe('held');
    expect(rules[declinedOffer]).toBe('declined');
  });

  it('serves POST /api/decide through fastify inject, with JSON errors carrying the code', async () => {
    await addModelStats(store.db, [
      { offerId: 'term-deposit', segment: '50-64|white-collar', exposures: 100, successes: 40 },
    ]);
    const headers = bearer((await seedUsers(store.db)).marketer);
    const app = buildApp({ db: store.db, now: () => new Date(NOW) });
    try {
      const ok = await app.inject({
        method: 'POST',
        url: '/api/decide',
        headers,
        payload: { customerId: customers[1]!.id, asOf: AS_OF, type: 'monthly-statement' },
      });
      expect(ok.statusCode).toBe(200);
      const json = ok.json() as { decision: Decision; explanation: string[] };
      expect(json.decision.customerId).toBe(customers[1]!.id);
      expect(json.decision.modelVersion).toMatch(/^stats@/);
      expect(json.explanation[0]).toContain('monthly-statement');
      const again = await app.inject({
        method: 'POST',
        url: '/api/decide',
        headers,
        payload: { customerId: customers[1]!.id, asOf: AS_OF, type: 'monthly-statement' },
      });
      expect(again.json()).toEqual(json);

      const bad = await app.inject({
        method: 'POST',
        url: '/api/decide',
        headers,
        payload: { customerId: '', asOf: '31/10/2026' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        error: { code: 'MSV_API_BAD_REQUEST', details: { field: 'customerId' } },
      });
      const missing = await app.inject({
        method: 'POST',
        url: '/api/decide',
        headers,
        payload: { customerId: 'nobody' },
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error: { code: 'MSV_STORE_NOT_FOUND' } });
      const type = await app.inject({
        method: 'POST',
        url: '/api/decide',
        headers,
        payload: { customerId: customers[1]!.id, type: 'nope' },
      });
      expect(type.json()).toMatchObject({ error: { code: 'MSV_RULES_UNKNOWN_TYPE' } });
    } finally {
      await app.close();
    }
  });
});
