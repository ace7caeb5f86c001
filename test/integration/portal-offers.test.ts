import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { compileCatalog } from '../../src/rules/compile.ts';
import { loadCustomerHistory } from '../../src/rules/context-loader.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { saveDecisionIfAbsent } from '../../src/store/decisions.ts';
import { listEvents } from '../../src/store/events.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { CANARY, type SeededDocuments, seedDocuments } from '../support/api.ts';
import {
  PortalClient,
  type PortalSinks,
  signInBySms,
  startPortalApp,
  startPortalSinks,
  type TestClock,
  testClock,
} from '../support/portal.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/** Issue 20, offers: "I'm interested" counts once in the model; "Not for me" is a decline the rules honour. */
describe('portal offers', () => {
  let temp: TempStore;
  let sinks: PortalSinks;
  let clock: TestClock;
  let app: FastifyInstance;
  let base: string;
  let seeded: SeededDocuments;

  beforeAll(async () => {
    temp = await openTempStore('portal-offers');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    // Published before the customers are stored: its lint checks traits against stored customers.
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    seeded = await seedDocuments(temp.store.db, blobs);
    await saveDecisionIfAbsent(temp.store.db, {
      runId: seeded.runId,
      customerId: 'C0002',
      communicationType: 'monthly-statement',
      catalogVersion: 'bank@test',
      modelVersion: 'm1',
      seed: 'seed',
      holdout: false,
      decision: {
        offers: [
          { offerId: 'term-deposit', slot: 0 },
          { offerId: 'education-fund', slot: 1 },
        ],
        segment: 'all',
      },
    });
    sinks = await startPortalSinks();
    clock = testClock(new Date().toISOString());
    ({ app, base } = await startPortalApp({ db: temp.store.db, blobs, sinks, clock }));
  });
  afterAll(async () => {
    await app?.close();
    await sinks?.close();
    await temp?.close();
  });
  beforeEach(() => clock.advanceMinutes(60));

  const answer = async (client: PortalClient, offer: string, value: string, communication: string) =>
    client.request('POST', '/portal/offers/answer', {
      _csrf: await client.csrf('/portal/offers'),
      communication,
      offer,
      answer: value,
    });
  const stats = async (offerId: string) =>
    (await loadModelStats(temp.store.db)).find((s) => s.offerId === offerId && s.segment === 'all') ?? {
      exposures: 0,
      successes: 0,
    };

  it("lists the offers of recent communications; I'm interested counts once in the model", async () => {
    const client = new PortalClient(base);
    await signInBySms(client, sinks, 'C0001', CANARY.phone);
    const page = await client.get('/portal/offers');
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-offer="term-deposit"');
    expect(page.body).toContain('12-month Fixed Term Deposit');
    expect(page.body).toContain('I&#39;m interested');
    const communication = /name="communication" value="([^"]+)"/.exec(page.body)![1]!;
    const before = await stats('term-deposit');
    const first = await answer(client, 'term-deposit', 'interested', communication);
    expect(first.status).toBe(303);
    const after = await stats('term-deposit');
    expect(after.successes - before.successes).toBe(1);
    expect(after.exposures - before.exposures).toBe(1);
    // Again, and "not for me" after it: the first answer stands, the model does not move.
    await answer(client, 'term-deposit', 'interested', communication);
    await answer(client, 'term-deposit', 'not-for-me', communication);
    expect(await stats('term-deposit')).toEqual(after);
    const events = (await listEvents(temp.store.db, { customerId: 'C0001' })).filter(
      (e) => e.source === 'portal' && e.offerId,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'accepted',
      offerId: 'term-deposit',
      communicationId: communication,
    });
    expect((await client.get('/portal/offers')).body).toContain('You told us you are interested');
  });

  it('Not for me is a decline: the rules suppress the offer; the model counts no success', async () => {
    const customer = seeded.customers[1]!;
    const client = new PortalClient(base);
    await signInBySms(client, sinks, 'C0002', customer.phone!);
    const page = await client.get('/portal/offers');
    expect(page.body).toContain('data-offer="education-fund"');
    const before = await stats('education-fund');
    const res = await answer(client, 'education-fund', 'not-for-me', seeded.ids.C0002!.print!);
    expect(res.status).toBe(303);
    expect((await stats('education-fund')).successes).toBe(before.successes);
    const catalog = compileCatalog(await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank')));
    const history = await loadCustomerHistory(temp.store.db, 'C0002', catalog, clock.now().toISOString());
    expect(history.declined.map((d) => d.offerId)).toEqual(['education-fund']);
  });

  it("answers only offers placed in the customer's own communications", async () => {
    const customer = seeded.customers[1]!;
    const client = new PortalClient(base);
    await signInBySms(client, sinks, 'C0002', customer.phone!);
    const json = { accept: 'application/json' };
    const theirs = await client.request(
      'POST',
      '/portal/offers/answer',
      {
        _csrf: await client.csrf('/portal/offers'),
        communication: seeded.ids.C0001!.print!,
        offer: 'term-deposit',
        answer: 'interested',
      },
      json,
    );
    expect(theirs.status).toBe(404);
    const notPlaced = await client.request(
      'POST',
      '/portal/offers/answer',
      {
        _csrf: await client.csrf('/portal/offers'),
        communication: seeded.ids.C0002!.print!,
        offer: 'travel-card',
        answer: 'interested',
      },
      json,
    );
    expect(notPlaced.status).toBe(404);
    expect(notPlaced.body).toBe(theirs.body);
  });
});
