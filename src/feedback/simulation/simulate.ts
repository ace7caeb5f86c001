import { seededRandom } from '../../core/seeded-random.ts';
import type { Customer } from '../../core/types.ts';
import type { CompiledCatalog } from '../../rules/compile.ts';
import { decide } from '../../rules/decide.ts';
import type { Decision, DecisionContext } from '../../rules/decision.ts';
import { type ModelSnapshot, type ModelStatRow, modelSnapshot, PRIOR_ONLY } from '../../rules/ranking.ts';
import { type ProportionTest, twoProportionTest } from '../stats.ts';
import { trueRate } from './true-rates.ts';

/**
 * `missive simulate`: the feedback loop replayed on the bank-marketing customers, in memory, with
 * the rules engine's own pure decide(). Customers are shuffled (seeded) and split into weekly
 * cohorts; each week every policy picks one offer per customer of the cohort (the cross-sell
 * promotion: one slot), the ground truth (true-rates.ts) answers, and the learning policy's
 * responses become the next week's model statistics. Policies:
 *   learning — decide() with the model learned so far (Thompson sampling over the posteriors)
 *   static   — decide() with the priors only (the same engine, never learning)
 *   random   — uniform among the offers the customer is eligible for
 *   segment-oracle — the offer with the best weight × true mean rate of the customer's segment
 *              (computed from the ground truth of the whole cohort): the best any model that ranks
 *              per segment, as the engine does, can reach
 *   oracle   — the eligible offer with the best weight × the customer's own true rate (an upper
 *              bound no segment model reaches: it knows each customer's `y`)
 * Customers in the holdout or suppressed (no channel) get no offer under any policy and are left out.
 * The engine never sees `y`: the `subscribedTermDeposit` trait is cleared.
 */

export interface SimCustomer {
  customer: Customer;
  /** The real outcome `y` of bank-full.csv. */
  subscribed: boolean;
}

export const POLICIES = ['learning', 'static', 'random', 'segment-oracle', 'oracle'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface SimulationOptions {
  catalog: CompiledCatalog;
  weeks: number;
  /** Customers to use (after the seeded shuffle); default all. */
  sample?: number;
  seed?: string;
  communicationType?: string;
  /** Keep the static policy's logged decisions (offer, propensity, reward) for offline evaluation. */
  keepLogs?: boolean;
}

export interface WeekResult {
  week: number;
  customers: number;
  modelVersion: string;
  /** Per policy: customers offered something, successes, success rate, weighted value per customer. */
  policies: Record<PolicyName, { offered: number; successes: number; rate: number; value: number }>;
}

export interface LoggedChoice {
  customerIndex: number;
  week: number;
  offerId: string;
  /** P(offer | customer treated) under the logging policy, from the decision. */
  propensity: number;
  reward: number;
}

export interface SimulationResult {
  customers: number;
  weeks: WeekResult[];
  totals: Record<PolicyName, { offered: number; successes: number; rate: number }>;
  /** Learning vs static over all weeks after the first (the first is the same policy). */
  learningVsStatic: ProportionTest & { weeks: string };
  /** Share of the static → segment-oracle gap the learning policy closed in the last week. */
  gapClosedLastWeek: number;
  finalModel: ModelSnapshot;
  logs: LoggedChoice[];
  /** The shuffled customers the weeks used (index = LoggedChoice.customerIndex). */
  cohort: SimCustomer[];
}

export function simulate(all: readonly SimCustomer[], options: SimulationOptions): SimulationResult {
  const seed = options.seed ?? 'missive-simulation';
  const type = options.communicationType ?? 'cross-sell-promotion';
  const keep = 1 - (options.catalog.types[type]?.holdout ?? 0);
  const weight = new Map(options.catalog.offers.map((o) => [o.id, o.prior.weight]));
  const cohort = shuffled(all, seed).slice(0, options.sample ?? all.length);
  const perWeek = Math.ceil(cohort.length / options.weeks);
  const counts = new Map<string, ModelStatRow>();
  let model: ModelSnapshot = PRIOR_ONLY;
  const weekCtx = (w: number, m: ModelSnapshot): DecisionContext => {
    const monday = new Date(Date.UTC(2026, 1, 2 + 7 * w, 10));
    return {
      asOf: monday.toISOString().slice(0, 10),
      now: monday.toISOString(),
      runId: `sim-${seed}-w${w}`,
      communicationType: type,
      campaign: `sim-${seed}`,
      catalog: options.catalog,
      model: m,
    };
  };
  const staticDecisions = cohort.map((sc, i) =>
    decide(sc.customer, weekCtx(Math.floor(i / perWeek), PRIOR_ONLY)),
  );
  const segmentRate = segmentTruth(cohort, staticDecisions);
  const weeks: WeekResult[] = [];
  const logs: LoggedChoice[] = [];
  for (let w = 0; w < options.weeks; w++) {
    const start = w * perWeek;
    const learnCtx = weekCtx(w, model);
    const tally = Object.fromEntries(
      POLICIES.map((p) => [p, { offered: 0, successes: 0, value: 0 }]),
    ) as Record<PolicyName, { offered: number; successes: number; value: number }>;
    const learned: { segment: string; offerId: string; success: boolean }[] = [];
    let n = 0;
    for (let i = start; i < Math.min(start + perWeek, cohort.length); i++) {
      const sc = cohort[i] as SimCustomer;
      const staticDecision = staticDecisions[i] as Decision;
      const eligible = eligibleOffers(staticDecision);
      if (eligible.length === 0) continue;
      n++;
      const outcome = (offerId: string) =>
        offerId === 'term-deposit'
          ? sc.subscribed
          : seededRandom('sim-outcome', seed, sc.customer.id, offerId).next() <
            trueRate(offerId, sc.customer.traits, sc.subscribed);
      const learnDecision = w === 0 ? staticDecision : decide(sc.customer, learnCtx);
      const choices: Record<PolicyName, string | undefined> = {
        learning: learnDecision.offers[0]?.offerId,
        static: staticDecision.offers[0]?.offerId,
        random: eligible[seededRandom('sim-random', seed, sc.customer.id).int(eligible.length)],
        'segment-oracle': bestBy(
          eligible,
          (o) => (weight.get(o) ?? 1) * (segmentRate.get(`${staticDecision.segment}\u0000${o}`) ?? 0),
        ),
        oracle: bestBy(
          eligible,
          (o) => (weight.get(o) ?? 1) * trueRate(o, sc.customer.traits, sc.subscribed),
        ),
      };
      for (const p of POLICIES) {
        const offerId = choices[p];
        if (offerId === undefined) continue;
        const ok = outcome(offerId);
        tally[p].offered++;
        if (ok) {
          tally[p].successes++;
          tally[p].value += weight.get(offerId) ?? 1;
        }
        if (p === 'learning') learned.push({ segment: learnDecision.segment, offerId, success: ok });
      }
      const logged = staticDecision.offers[0];
      if (options.keepLogs && logged) {
        logs.push({
          customerIndex: i,
          week: w,
          offerId: logged.offerId,
          propensity: logged.propensity / keep,
          reward: outcome(logged.offerId) ? 1 : 0,
        });
      }
    }
    weeks.push({
      week: w + 1,
      customers: n,
      modelVersion: model.version,
      policies: Object.fromEntries(
        POLICIES.map((p) => {
          const t = tally[p];
          return [p, { ...t, rate: ratio(t.successes, t.offered), value: ratio(t.value, n) }];
        }),
      ) as WeekResult['policies'],
    });
    model = learnFrom(counts, learned);
  }
  return summarise(weeks, model, logs, cohort);
}

/** The week's responses added to the running counts → the next model snapshot (a new version). */
function learnFrom(
  counts: Map<string, ModelStatRow>,
  responses: readonly { segment: string; offerId: string; success: boolean }[],
): ModelSnapshot {
  for (const r of responses) {
    const key = `${r.offerId}\u0000${r.segment}`;
    let row = counts.get(key);
    if (!row) {
      row = { offerId: r.offerId, segment: r.segment, exposures: 0, successes: 0 };
      counts.set(key, row);
    }
    row.exposures++;
    if (r.success) row.successes++;
  }
  return modelSnapshot([...counts.values()].map((r) => ({ ...r })));
}

/** The true mean rate of each (segment, offer) over the cohort's customers eligible for it. */
function segmentTruth(cohort: readonly SimCustomer[], decisions: readonly Decision[]): Map<string, number> {
  const sums = new Map<string, { total: number; n: number }>();
  decisions.forEach((d, i) => {
    const sc = cohort[i] as SimCustomer;
    for (const offerId of eligibleOffers(d)) {
      const key = `${d.segment}\u0000${offerId}`;
      const s = sums.get(key) ?? { total: 0, n: 0 };
      s.total += trueRate(offerId, sc.customer.traits, sc.subscribed);
      s.n++;
      sums.set(key, s);
    }
  });
  return new Map([...sums].map(([k, s]) => [k, s.total / s.n]));
}

/** The offers the customer was eligible for: the one placed and those only outranked. */
export function eligibleOffers(decision: Decision): string[] {
  const ids = decision.offers.map((o) => o.offerId);
  for (const r of decision.rejected)
    if (r.rule === 'slots' || r.rule === 'exclusion-group') ids.push(r.offerId);
  return ids;
}

function summarise(
  weeks: WeekResult[],
  finalModel: ModelSnapshot,
  logs: LoggedChoice[],
  cohort: SimCustomer[],
): SimulationResult {
  const total = (p: PolicyName, from = 0) => {
    let offered = 0;
    let successes = 0;
    for (const w of weeks.slice(from)) {
      offered += w.policies[p].offered;
      successes += w.policies[p].successes;
    }
    return { offered, successes, rate: ratio(successes, offered) };
  };
  const totals = Object.fromEntries(POLICIES.map((p) => [p, total(p)])) as SimulationResult['totals'];
  const a = total('learning', 1);
  const b = total('static', 1);
  const last = weeks.at(-1)?.policies;
  const gap = last ? last['segment-oracle'].rate - last.static.rate : 0;
  return {
    customers: weeks.reduce((s, w) => s + w.customers, 0),
    weeks,
    totals,
    learningVsStatic: {
      ...twoProportionTest(a.successes, a.offered, b.successes, b.offered),
      weeks: `2–${weeks.length}`,
    },
    gapClosedLastWeek: last && gap > 0 ? (last.learning.rate - last.static.rate) / gap : 0,
    finalModel,
    logs,
    cohort,
  };
}

function bestBy(items: readonly string[], score: (item: string) => number): string | undefined {
  let best: string | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const s = score(item);
    if (s > bestScore) {
      best = item;
      bestScore = s;
    }
  }
  return best;
}

function shuffled<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  const rng = seededRandom('sim-shuffle', seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
