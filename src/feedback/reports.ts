import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { type CompiledCatalog, type ModelSnapshot, PRIOR_ONLY, posteriorOf } from '../rules/index.ts';
import {
  countConvertedCustomersByHoldout,
  countRunContributions,
  countSentCustomersByHoldout,
  type Database,
  getRun,
} from '../store/index.ts';
import { type Interval, type ProportionTest, twoProportionTest, wilson } from './stats.ts';

/**
 * The model validation report of one campaign run (`missive report campaign RUN`, JSON):
 * - per offer and segment: exposures, successes, response rate with a 95 % Wilson interval, the
 *   prior's mean, and whether the data contradicts the prior (the prior mean outside the interval);
 * - lift: conversions (any offer, after the run started) of treated customers against the holdout,
 *   with a two-proportion z-test;
 * - ranking change: per segment, the offers ordered by weight × posterior mean under the priors
 *   and under the current model, where the order differs.
 */

export interface OfferSegmentRow {
  offerId: string;
  segment: string;
  exposures: number;
  successes: number;
  rate: number;
  interval: Interval;
  priorMean: number | null;
  contradicts: 'lower-than-prior' | 'higher-than-prior' | null;
}

export interface CampaignReport {
  runId: string;
  communicationType: string;
  createdAt: string;
  modelVersion: string;
  offers: OfferSegmentRow[];
  contradictions: string[];
  lift: {
    treated: { customers: number; converted: number; rate: number; interval: Interval };
    holdout: { customers: number; converted: number; rate: number; interval: Interval };
    test: ProportionTest;
  };
  rankingChanges: { segment: string; prior: string[]; current: string[] }[];
}

/**
 * A campaign run's report per offer: sends, successes, rates with intervals, lift against the holdout.
 * @throws MissiveError MSV_RUN_NOT_FOUND.
 */
export async function campaignReport(
  db: Kysely<Database>,
  runId: string,
  catalog: CompiledCatalog,
  model: ModelSnapshot,
): Promise<CampaignReport> {
  const run = await getRun(db, runId);
  if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run ${runId}`, { runId });
  const counts = await countRunContributions(db, runId);
  const priors = new Map(catalog.offers.map((o) => [o.id, o.prior]));
  const rows = new Map<string, OfferSegmentRow>();
  for (const c of counts) {
    const key = `${c.offer_id}\u0000${c.segment}`;
    const row = rows.get(key) ?? blankRow(c.offer_id, c.segment);
    if (c.kind === 'exposure') row.exposures = Number(c.n);
    else row.successes = Number(c.n);
    rows.set(key, row);
  }
  const offers = [...rows.values()]
    .map((r) => finishRow(r, priors.get(r.offerId)))
    .sort((a, b) =>
      a.offerId === b.offerId ? a.segment.localeCompare(b.segment) : a.offerId.localeCompare(b.offerId),
    );
  return {
    runId,
    communicationType: run.communicationType,
    createdAt: run.createdAt,
    modelVersion: model.version,
    offers,
    contradictions: offers
      .filter((r) => r.contradicts)
      .map(
        (r) =>
          `${r.offerId} in ${r.segment}: the prior says ${pct(r.priorMean ?? 0)}, the data says ${pct(r.rate)} (95 % ${pct(r.interval.low)}–${pct(r.interval.high)}, n = ${r.exposures})`,
      ),
    lift: await lift(db, runId, run.createdAt),
    rankingChanges: rankingChanges(catalog, model, [...new Set(offers.map((r) => r.segment))]),
  };
}

function blankRow(offerId: string, segment: string): OfferSegmentRow {
  return {
    offerId,
    segment,
    exposures: 0,
    successes: 0,
    rate: 0,
    interval: { low: 0, high: 1 },
    priorMean: null,
    contradicts: null,
  };
}

function finishRow(
  row: OfferSegmentRow,
  prior: { alpha: number; beta: number } | undefined,
): OfferSegmentRow {
  const rate = row.exposures === 0 ? 0 : row.successes / row.exposures;
  const interval = wilson(row.successes, row.exposures);
  const priorMean = prior ? prior.alpha / (prior.alpha + prior.beta) : null;
  let contradicts: OfferSegmentRow['contradicts'] = null;
  if (priorMean !== null && row.exposures > 0) {
    if (priorMean > interval.high) contradicts = 'lower-than-prior';
    else if (priorMean < interval.low) contradicts = 'higher-than-prior';
  }
  return { ...row, rate, interval, priorMean, contradicts };
}

async function lift(db: Kysely<Database>, runId: string, since: string): Promise<CampaignReport['lift']> {
  const groups = await countSentCustomersByHoldout(db, runId);
  const converted = await countConvertedCustomersByHoldout(db, runId, since.slice(0, 10));
  const of = (rows: { holdout: number; n: number }[], h: number) =>
    Number(rows.find((r) => Number(r.holdout) === h)?.n ?? 0);
  const side = (h: number) => {
    const customers = of(groups, h);
    const conv = Math.min(of(converted, h), customers);
    return {
      customers,
      converted: conv,
      rate: customers === 0 ? 0 : conv / customers,
      interval: wilson(conv, customers),
    };
  };
  const treated = side(0);
  const holdout = side(1);
  return {
    treated,
    holdout,
    test: twoProportionTest(treated.converted, treated.customers, holdout.converted, holdout.customers),
  };
}

function rankingChanges(
  catalog: CompiledCatalog,
  model: ModelSnapshot,
  segments: readonly string[],
): CampaignReport['rankingChanges'] {
  const order = (segment: string, m: ModelSnapshot) =>
    catalog.offers
      .map((o) => {
        const p = posteriorOf(o.prior, o.id, segment, m);
        return { id: o.id, score: o.prior.weight * (p.alpha / (p.alpha + p.beta)) };
      })
      .sort((a, b) => b.score - a.score)
      .map((o) => o.id);
  const changes: CampaignReport['rankingChanges'] = [];
  for (const segment of segments) {
    const prior = order(segment, PRIOR_ONLY);
    const current = order(segment, model);
    if (prior.join() !== current.join()) changes.push({ segment, prior, current });
  }
  return changes;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
