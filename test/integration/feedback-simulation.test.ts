import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPathLine } from '../../src/cli/commands/simulate.ts';
import { openStoreLearningPath, type StoreLearningPath } from '../../src/cli/simulation-path.ts';
import { recordFeedbackEvent } from '../../src/feedback/events.ts';
import { syncModel } from '../../src/feedback/model-stats.ts';
import { defaultBankData, loadSimCustomers } from '../../src/feedback/simulation/bank-customers.ts';
import { checkOfflineEvaluation } from '../../src/feedback/simulation/offline-check.ts';
import { simulationJson, simulationSvg, simulationTable } from '../../src/feedback/simulation/plot.ts';
import { type SimCustomer, type SimulationResult, simulate } from '../../src/feedback/simulation/simulate.ts';
import { DEFAULT_SUCCESS_RULES } from '../../src/feedback/success.ts';
import type { CompiledCatalog } from '../../src/rules/compile.ts';
import type { Decision } from '../../src/rules/decision.ts';
import { PRIOR_ONLY } from '../../src/rules/ranking.ts';
import { parseJson } from '../../src/store/json.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { BANK_MAPPING, ROOT } from '../support/stores.ts';

/** Every how-many-th customer of bank-full.csv the test takes (the product path renders each one). */
const EVERY = Number(process.env.SIM_TEST_EVERY ?? 5);

/**
 * The simulation on a sample of bank-full.csv, deterministic (seeded): the learning policy's weeks
 * are runs in a temporary store (render, tracked links, dispatch to a mailbox), and its responses
 * follow the links in the received messages through the tracking routes into `model_stats`.
 */
describe('simulate: the feedback loop on the bank-marketing outcomes (sample)', () => {
  let dir: string;
  let customers: SimCustomer[];
  let catalog: CompiledCatalog;
  let learning: StoreLearningPath;
  let result: SimulationResult;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-sim-'));
    const lines = fs.readFileSync(defaultBankData(ROOT), 'utf8').trimEnd().split('\n');
    const sample = path.join(dir, 'bank-sample.csv');
    fs.writeFileSync(
      sample,
      `${[lines[0], ...lines.slice(1).filter((_, i) => i % EVERY === 0)].join('\n')}\n`,
    );
    customers = await loadSimCustomers(sample, BANK_MAPPING);
    learning = await openStoreLearningPath({
      catalogDir: path.join(ROOT, 'catalogs', 'bank'),
      templateDir: path.join(ROOT, 'templates', 'cross-sell-promotion'),
      seed: 'missive-simulation',
      dir: path.join(dir, 'store'),
    });
    catalog = learning.catalog;
    result = await simulate(customers, { catalog, weeks: 6, keepLogs: true }, learning.path);
    console.log(`${simulationTable(result)}${sendPathLine(result)}`);
  }, 180_000);

  afterAll(async () => {
    await learning?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hides y from the engine', () => {
    expect(customers.some((c) => c.subscribed)).toBe(true);
    expect(customers.every((c) => c.customer.traits.subscribedTermDeposit === false)).toBe(true);
  });

  it('the learning model beats static priors significantly, and random; the oracle bounds it', () => {
    const { learning, static: fixed, random, oracle } = result.totals;
    expect(result.totals['segment-oracle'].rate).toBeGreaterThan(learning.rate);
    expect(oracle.rate).toBeGreaterThan(result.totals['segment-oracle'].rate);
    expect(result.weeks[0]?.policies.learning.rate).toBe(result.weeks[0]?.policies.static.rate);
    expect(result.learningVsStatic.difference).toBeGreaterThan(0.01);
    expect(result.learningVsStatic.pValue).toBeLessThan(0.01);
    expect(fixed.rate).toBeGreaterThan(random.rate);
    expect(oracle.rate).toBeGreaterThan(learning.rate);
    expect(new Set(result.weeks.map((w) => w.modelVersion)).size).toBe(6);
    expect(result.weeks[1]?.modelVersion).toMatch(/^stats@/);
  });

  it("the learning policy's messages were sent by the runs and its responses followed their tracked links", () => {
    const offered = result.weeks.reduce((n, w) => n + w.policies.learning.offered, 0);
    expect(result.sendPath.sent).toBe(offered);
    expect(result.sendPath.followed).toBe(result.totals.learning.successes);
    expect(result.finalModel.version).toMatch(/^stats@/);
  });

  it('model_stats equal what the ledger and the events say, once each, and re-ingesting changes nothing', async () => {
    const db = learning.store.db;
    const sent = await db
      .selectFrom('communications')
      .innerJoin('decisions', (j) =>
        j
          .onRef('decisions.run_id', '=', 'communications.run_id')
          .onRef('decisions.customer_id', '=', 'communications.customer_id'),
      )
      .select(['communications.id', 'decisions.decision', 'decisions.holdout'])
      .where('communications.status', '=', 'sent')
      .execute();
    const segmentOf = new Map<string, string>();
    const expected = new Map<string, { exposures: number; successes: number }>();
    const row = (offerId: string, segment: string) => {
      const key = `${offerId}|${segment}`;
      const r = expected.get(key) ?? { exposures: 0, successes: 0 };
      expected.set(key, r);
      return r;
    };
    for (const c of sent) {
      const decision = parseJson<Decision>(c.decision);
      segmentOf.set(c.id, decision.segment);
      if (Number(c.holdout) === 1) continue;
      for (const o of decision.offers) row(o.offerId, decision.segment).exposures++;
    }
    const events = await db.selectFrom('events').selectAll().execute();
    const clicks = events.filter((e) => e.type === 'clicked');
    const opens = events.filter((e) => e.type === 'opened');
    expect(clicks).toHaveLength(result.sendPath.followed);
    expect(opens).toHaveLength(result.sendPath.followed);
    expect(events.every((e) => parseJson<{ machine?: boolean }>(e.payload).machine === false)).toBe(true);
    const clicked = new Set<string>();
    for (const e of clicks) {
      expect(e.offer_id).not.toBeNull();
      clicked.add(`${e.communication_id}|${e.offer_id}`);
      row(e.offer_id as string, segmentOf.get(e.communication_id as string) as string).successes++;
    }
    expect(clicked.size).toBe(clicks.length);
    const stats = async () =>
      new Map(
        (await loadModelStats(db)).map((s) => [
          `${s.offerId}|${s.segment}`,
          { exposures: s.exposures, successes: s.successes },
        ]),
      );
    const before = await stats();
    expect(before).toEqual(expected);
    // Re-ingest: the catch-up of `missive model update`, and a replayed click, count nothing again.
    expect(await syncModel(db, DEFAULT_SUCCESS_RULES)).toMatchObject({ exposures: 0, successes: 0 });
    const replay = clicks[0];
    if (replay) {
      const again = await recordFeedbackEvent(
        db,
        {
          source: replay.source,
          sourceId: replay.source_id,
          type: 'clicked',
          communicationId: replay.communication_id,
          offerId: replay.offer_id,
          payload: parseJson<Record<string, unknown>>(replay.payload),
          occurredAt: replay.occurred_at,
        },
        DEFAULT_SUCCESS_RULES,
      );
      expect(again.recorded).toBe(false);
    }
    expect(await stats()).toEqual(before);
  });

  it('plots and serialises the weeks', () => {
    const svg = simulationSvg(result);
    expect(svg.match(/<polyline/g)).toHaveLength(5);
    expect(simulationTable(result)).toContain('learning vs static');
    const json = simulationJson(result);
    expect(json).not.toHaveProperty('logs');
    expect(JSON.parse(JSON.stringify(json)).weeks).toHaveLength(6);
  });

  it('offline evaluation (IPS, SNIPS) of other policies matches the ground truth', () => {
    for (const model of [result.finalModel, PRIOR_ONLY]) {
      const { estimate, truth } = checkOfflineEvaluation(result, { catalog, model });
      expect(estimate.ips.low).toBeLessThanOrEqual(truth);
      expect(estimate.ips.high).toBeGreaterThanOrEqual(truth);
      expect(estimate.snips.low).toBeLessThanOrEqual(truth);
      expect(estimate.snips.high).toBeGreaterThanOrEqual(truth);
      expect(estimate.matched).toBeGreaterThan(estimate.samples / 3);
    }
    const learned = checkOfflineEvaluation(result, { catalog, model: result.finalModel });
    expect(learned.estimate.snips.mean).toBeGreaterThan(learned.estimate.logged.mean);
  });
});
