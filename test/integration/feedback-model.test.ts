import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importConversions } from '../../src/feedback/conversions.ts';
import { recordFeedbackEvent } from '../../src/feedback/events.ts';
import { syncModel } from '../../src/feedback/model-stats.ts';
import { evaluatePolicy } from '../../src/feedback/policy-evaluation.ts';
import { campaignReport } from '../../src/feedback/reports.ts';
import { DEFAULT_SUCCESS_RULES, parseSuccessRules } from '../../src/feedback/success.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { compileCatalog } from '../../src/rules/compile.ts';
import { loadModel } from '../../src/rules/context-loader.ts';
import { PRIOR_ONLY, posteriorOf } from '../../src/rules/ranking.ts';
import type { Store } from '../../src/store/db.ts';
import { listEvents } from '../../src/store/events.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { seedSentCommunication } from '../support/feedback-fixtures.ts';
import { openFeedbackStore } from '../support/feedback-stores.ts';
import { ROOT } from '../support/stores.ts';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'conversions-bad-rows.csv');
const rules = DEFAULT_SUCCESS_RULES;
const event = (
  sourceId: string,
  communicationId: string,
  offerId: string,
  type = 'clicked',
  machine = false,
) => ({
  source: 'test',
  sourceId,
  type,
  communicationId,
  offerId,
  payload: { machine },
  occurredAt: '2026-11-20T10:00:00.000Z',
});

describe.each(['sqlite', 'postgres'] as const)('feedback → model on %s', (dialect) => {
  let opened: Awaited<ReturnType<typeof openFeedbackStore>>;
  let store: Store;

  let FILE: string;

  beforeAll(async () => {
    opened = await openFeedbackStore(dialect);
    store = opened.store;
    // conversions dated today, after the seeded communications (attribution looks back 90 days)
    const today = new Date(Date.now() + 60_000).toISOString();
    FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'missive-conv-')), 'conversions.csv');
    fs.writeFileSync(
      FILE,
      fs
        .readFileSync(FIXTURE, 'utf8')
        .replaceAll('2026-11-20', today.slice(0, 10))
        .replaceAll('2026-11-22', today.slice(0, 10))
        .replace('2026-11-21T09:30:00Z', today),
    );
  });
  afterAll(async () => opened?.close());

  it('counts exposures of sent, treated communications and human successes, each once', async () => {
    const seg = '35-49|white-collar';
    const a = await seedSentCommunication(store.db, {
      runId: 'r1',
      customerId: 'm1',
      channel: 'email',
      segment: seg,
      offers: ['term-deposit'],
    });
    const b = await seedSentCommunication(store.db, {
      runId: 'r1',
      customerId: 'm2',
      channel: 'email',
      segment: seg,
      offers: ['term-deposit'],
    });
    await seedSentCommunication(store.db, {
      runId: 'r1',
      customerId: 'm3',
      channel: 'email',
      segment: seg,
      offers: [],
      holdout: true,
    });
    const v0 = (await loadModel(store.db)).version;
    expect(v0).toBe('prior-only');
    const first = await syncModel(store.db, rules);
    expect(first.exposures).toBe(2);
    const v1 = first.modelVersion;
    expect(v1).toMatch(/^stats@/);
    // a machine click never counts; a human click counts once however often it is replayed
    await recordFeedbackEvent(store.db, event('e-machine', a, 'term-deposit', 'clicked', true), rules);
    for (let i = 0; i < 3; i++)
      await recordFeedbackEvent(store.db, event('e-human', a, 'term-deposit'), rules);
    await recordFeedbackEvent(store.db, event('e-again', a, 'term-deposit', 'accepted'), rules);
    await recordFeedbackEvent(store.db, event('e-wrong-offer', b, 'pension-plan'), rules);
    await recordFeedbackEvent(store.db, event('e-open', b, 'term-deposit', 'opened'), rules);
    expect((await listEvents(store.db, { communicationId: a })).length).toBe(3);
    const again = await syncModel(store.db, rules);
    expect([again.exposures, again.successes]).toEqual([0, 0]);
    expect(await loadModelStats(store.db)).toEqual([
      { offerId: 'term-deposit', segment: seg, exposures: 2, successes: 1 },
    ]);
    const model = await loadModel(store.db);
    expect(model.version).not.toBe(v1);
    expect(posteriorOf({ alpha: 2, beta: 16 }, 'term-deposit', seg, model)).toEqual({
      alpha: 3,
      beta: 17,
      learned: true,
    });
    expect(posteriorOf({ alpha: 2, beta: 16 }, 'term-deposit', 'other', model).learned).toBe(false);
  });

  it('imports conversions idempotently, attributes them, and reports bad rows with line and field', async () => {
    const first = await importConversions(store.db, FILE, rules);
    expect(first.rejected).toEqual([
      { file: FILE, line: 4, field: 'customer', reason: 'empty' },
      { file: FILE, line: 5, field: 'offer', reason: 'empty' },
      { file: FILE, line: 6, field: 'date', reason: 'not a date (YYYY-MM-DD or ISO-8601)' },
      { file: FILE, line: 7, field: 'customer', reason: 'no customer with this id' },
    ]);
    expect([first.rows, first.recorded, first.duplicates]).toEqual([8, 3, 1]);
    expect(first.attributed).toBe(1); // m1's term deposit: the communication of run r1 placed it
    const second = await importConversions(store.db, FILE, rules);
    expect([second.recorded, second.duplicates]).toEqual([0, 4]);
    const converted = (await listEvents(store.db, { customerId: 'm1' })).filter(
      (e) => e.type === 'converted',
    );
    expect(converted).toHaveLength(1);
    expect(converted[0]?.communicationId).not.toBeNull();
    // m1 already had a success for term-deposit (its click): the conversion adds no second one
    expect((await loadModelStats(store.db))[0]).toMatchObject({ exposures: 2, successes: 1 });
  });

  it('evaluates a policy offline on the logged decisions and outcomes', async () => {
    const catalog = compileCatalog(await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank')));
    const result = await evaluatePolicy(store.db, { catalog, model: PRIOR_ONLY }, { runIds: ['r1'] });
    // m1 and m2 were sent term-deposit (propensity 0.5 logged); m3 was in the holdout
    expect([result.samples, result.runs, result.missingCustomers]).toEqual([2, ['r1'], 0]);
    expect(result.logged.mean).toBe(0.5);
    expect(result.matched).toBeLessThanOrEqual(2);
    expect(result.ips.mean).toBeGreaterThanOrEqual(0);
    expect(result.minPropensity).toBeCloseTo(0.5 / 0.95);
  });

  it('reports a campaign: intervals, contradictions of the prior, lift vs holdout, ranking changes', async () => {
    const catalog = compileCatalog(await loadCatalogDirOrThrow(path.join(ROOT, 'catalogs', 'bank')));
    for (let i = 0; i < 40; i++) {
      await seedSentCommunication(store.db, {
        runId: 'r3',
        customerId: `y${i}`,
        channel: 'email',
        segment: '18-24|student',
        offers: ['youth-account'],
      });
    }
    await syncModel(store.db, rules);
    const report = await campaignReport(store.db, 'r3', catalog, await loadModel(store.db));
    expect(report.offers).toEqual([
      expect.objectContaining({
        offerId: 'youth-account',
        segment: '18-24|student',
        exposures: 40,
        successes: 0,
        contradicts: 'lower-than-prior',
      }),
    ]);
    expect(report.offers[0]?.interval.high).toBeLessThan(1 / 9);
    expect(report.contradictions[0]).toMatch(
      /^youth-account in 18-24\|student: the prior says 11\.1 %, the data says 0\.0 %/,
    );
    expect(report.rankingChanges).toEqual([expect.objectContaining({ segment: '18-24|student' })]);
    expect(report.rankingChanges[0]?.current.at(-1)).toBe('youth-account');
    expect(report.lift.treated.customers).toBe(40);
    const r1 = await campaignReport(store.db, 'r1', catalog, await loadModel(store.db));
    expect(r1.lift.treated).toMatchObject({ customers: 2, converted: 2 });
    expect(r1.lift.holdout).toMatchObject({ customers: 1, converted: 1 });
    expect(r1.lift.test.pValue).toBeGreaterThan(0.05);
  });

  it('what counts as success is set per communication type', async () => {
    const only = parseSuccessRules('cross-sell-promotion=converted;*=accepted');
    const c = await seedSentCommunication(store.db, {
      runId: 'r2',
      customerId: 'm4',
      channel: 'email',
      segment: 's2',
      offers: ['mortgage'],
    });
    expect((await recordFeedbackEvent(store.db, event('x-click', c, 'mortgage'), only)).success).toBe(false);
    expect(
      (await recordFeedbackEvent(store.db, event('x-conv', c, 'mortgage', 'converted'), only)).success,
    ).toBe(true);
    expect(() => parseSuccessRules('a=bought')).toThrow(/unknown success/);
  });

  it('attributes a conversion to the letter that placed the offer, not to a spoiled one', async () => {
    const letter = await seedSentCommunication(store.db, {
      runId: 'r-letters',
      customerId: 'm5',
      channel: 'print',
      offers: ['pension-plan'],
      status: 'mailed',
    });
    await seedSentCommunication(store.db, {
      runId: 'r-letters',
      customerId: 'm6',
      channel: 'print',
      offers: ['pension-plan'],
      status: 'spoiled',
    });
    const file = path.join(path.dirname(FILE), 'letters.csv');
    const today = new Date(Date.now() + 60_000).toISOString().slice(0, 10);
    fs.writeFileSync(file, `customer,offer,date\nm5,pension-plan,${today}\nm6,pension-plan,${today}\n`);
    const report = await importConversions(store.db, file, DEFAULT_SUCCESS_RULES);
    expect([report.recorded, report.attributed]).toEqual([2, 1]);
    const converted = (await listEvents(store.db, { customerId: 'm5' })).find((e) => e.type === 'converted');
    expect(converted?.communicationId).toBe(letter);
  });
});
