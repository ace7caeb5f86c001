import { seededRandom } from '../../core/seeded-random.ts';
import {
  type CompiledCatalog,
  type Decision,
  type DecisionContext,
  decide,
  type ModelSnapshot,
  PRIOR_ONLY,
} from '../../rules/index.ts';
import { type ProportionTest, twoProportionTest } from '../stats.ts';
import type { LearningPath, ReceivedOffer, WeekRun } from './learning-path.ts';
import type { SimCustomer } from './sim-customer.ts';
import { trueRate } from './true-rates.ts';

/**
 * `missive simulate`: the feedback loop replayed on the bank-marketing customers. Customers are
 * shuffled (seeded) and split into weekly cohorts; each week every policy picks one offer per
 * customer of the cohort (the cross-sell promotion: one slot) and the ground truth (true-rates.ts)
 * answers. Policies:
 *   learning — the product itself (learning-path.ts): each week a run of the campaign in a store,
 *              decided with the model read back from that store, its messages rendered with tracked
 *              links and sent; a customer who says yes opens the message and follows the offer's
 *              link, so the click lands through the tracking route and the events in `model_stats`
 *   static   — decide() in memory with the priors only (the same engine and seeds, never learning)
 *   random   — uniform among the offers the customer is eligible for
 *   segment-oracle — the offer with the best weight × true mean rate of the customer's segment
 *              (computed from the ground truth of the whole cohort): the best any model that ranks
 *              per segment, as the engine does, can reach
 *   oracle   — the eligible offer with the best weight × the customer's own true rate (an upper
 *              bound no segment model reaches: it knows each customer's `y`)
 * Customers in the holdout or suppressed (no channel) get no offer under any policy and are left out.
 * The engine never sees `y`: the `subscribedTermDeposit` trait is cleared.
 */

export type { SimCustomer } from './sim-customer.ts';

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

/** How the learning policy's messages and responses went through the product. */
export interface SendPathTally {
  /** Messages with an offer that reached a customer (sent through the run's dispatch). */
  sent: number;
  /** Responses: the offer's tracked link followed from the received message. */
  followed: number;
}

export interface SimulationResult {
  customers: number;
  weeks: WeekResult[];
  totals: Record<PolicyName, { offered: number; successes: number; rate: number }>;
  /** Learning vs static over all weeks after the first (the first is the same policy). */
  learningVsStatic: ProportionTest & { weeks: string };
  /** Share of the static → segment-oracle gap the learning policy closed in the last week. */
  gapClosedLastWeek: number;
  /** The model read back from the store after the last week's responses. */
  finalModel: ModelSnapshot;
  sendPath: SendPathTally;
  logs: LoggedChoice[];
  /** The shuffled customers the weeks used (index = LoggedChoice.customerIndex). */
  cohort: SimCustomer[];
}

type Tally = Record<PolicyName, { offered: number; successes: number; value: number }>;

/**
 * Simulates weeks of campaigns on customers with known true response rates: learning against static and
 * random policies.
 */
export async function simulate(
  all: readonly SimCustomer[],
  options: SimulationOptions,
  path: LearningPath,
): Promise<SimulationResult> {
  const seed = options.seed ?? 'missive-simulation';
  const type = options.communicationType ?? 'cross-sell-promotion';
  const keep = 1 - (options.catalog.types[type]?.holdout ?? 0);
  const weight = new Map(options.catalog.offers.map((o) => [o.id, o.prior.weight]));
  const cohort = shuffled(all, seed).slice(0, options.sample ?? all.length);
  const perWeek = Math.ceil(cohort.length / options.weeks);
  const runs = await path.prepare(cohort, options.weeks);
  // The static policy decides with each week's run context (run id, as-of, now): the same seeds as
  // the learning run's decisions, so the two differ only by what the model has learned.
  const staticCtx = (run: WeekRun): DecisionContext => ({
    asOf: run.asOf,
    now: run.now,
    runId: run.runId,
    communicationType: type,
    catalog: options.catalog,
    model: PRIOR_ONLY,
    paperInstead: [],
  });
  const staticDecisions = cohort.map((sc, i) =>
    decide(sc.customer, staticCtx(runs[Math.floor(i / perWeek)] as WeekRun)),
  );
  const replay: Replay = {
    seed,
    keep,
    keepLogs: options.keepLogs === true,
    weight,
    segmentRate: segmentTruth(cohort, staticDecisions),
    cohort,
    staticDecisions,
  };
  const weeks: WeekResult[] = [];
  const logs: LoggedChoice[] = [];
  const sendPath: SendPathTally = { sent: 0, followed: 0 };
  for (let w = 0; w < options.weeks; w++) {
    const start = w * perWeek;
    const end = Math.min(start + perWeek, cohort.length);
    const sent = await path.send(runs[w] as WeekRun, cohort.slice(start, end));
    const week = tallyWeek(replay, w, start, end, sent.received);
    // The week's answers come back through the product before the next week's run decides.
    for (const r of week.responses) await path.respond(r);
    sendPath.sent += sent.received.size;
    sendPath.followed += week.responses.length;
    logs.push(...week.logs);
    weeks.push(weekResult(w, week.n, sent.modelVersion, week.tally));
  }
  return summarise(weeks, await path.model(), sendPath, logs, cohort);
}

/** What every week's tally reads: the cohort, its static decisions and the ground truth's helpers. */
interface Replay {
  seed: string;
  /** 1 − the holdout share: a logged propensity is P(offer | treated). */
  keep: number;
  keepLogs: boolean;
  weight: ReadonlyMap<string, number>;
  segmentRate: ReadonlyMap<string, number>;
  cohort: readonly SimCustomer[];
  staticDecisions: readonly Decision[];
}

/** One week's customers: each policy's choice answered by the ground truth; the learning's yeses. */
function tallyWeek(
  replay: Replay,
  w: number,
  start: number,
  end: number,
  received: ReadonlyMap<string, ReceivedOffer>,
): { n: number; tally: Tally; responses: ReceivedOffer[]; logs: LoggedChoice[] } {
  const tally = Object.fromEntries(POLICIES.map((p) => [p, { offered: 0, successes: 0, value: 0 }])) as Tally;
  const responses: ReceivedOffer[] = [];
  const logs: LoggedChoice[] = [];
  let n = 0;
  for (let i = start; i < end; i++) {
    const sc = replay.cohort[i] as SimCustomer;
    const staticDecision = replay.staticDecisions[i] as Decision;
    const eligible = eligibleOffers(staticDecision);
    if (eligible.length === 0) continue;
    n++;
    const outcome = (offerId: string) => answers(replay.seed, sc, offerId);
    const message = received.get(sc.customer.id);
    const choices = policyChoices(replay, sc, staticDecision, eligible, message);
    for (const p of POLICIES) {
      const offerId = choices[p];
      if (offerId === undefined) continue;
      tally[p].offered++;
      if (!outcome(offerId)) continue;
      tally[p].successes++;
      tally[p].value += replay.weight.get(offerId) ?? 1;
      if (p === 'learning' && message) responses.push(message);
    }
    const logged = staticDecision.offers[0];
    if (replay.keepLogs && logged) {
      const { offerId } = logged;
      const reward = outcome(offerId) ? 1 : 0;
      logs.push({ customerIndex: i, week: w, offerId, propensity: logged.propensity / replay.keep, reward });
    }
  }
  return { n, tally, responses, logs };
}

/** The ground truth: does this customer take this offer? (`y` for the term deposit.) */
function answers(seed: string, sc: SimCustomer, offerId: string): boolean {
  return offerId === 'term-deposit'
    ? sc.subscribed
    : seededRandom('sim-outcome', seed, sc.customer.id, offerId).next() <
        trueRate(offerId, sc.customer.traits, sc.subscribed);
}

/** Each policy's offer for the customer; the learning policy's is the one its message carried. */
function policyChoices(
  replay: Replay,
  sc: SimCustomer,
  staticDecision: Decision,
  eligible: readonly string[],
  message: ReceivedOffer | undefined,
): Record<PolicyName, string | undefined> {
  const weight = (o: string) => replay.weight.get(o) ?? 1;
  return {
    learning: message?.offerId,
    static: staticDecision.offers[0]?.offerId,
    random: eligible[seededRandom('sim-random', replay.seed, sc.customer.id).int(eligible.length)],
    'segment-oracle': bestBy(
      eligible,
      (o) => weight(o) * (replay.segmentRate.get(`${staticDecision.segment}\u0000${o}`) ?? 0),
    ),
    oracle: bestBy(eligible, (o) => weight(o) * trueRate(o, sc.customer.traits, sc.subscribed)),
  };
}

function weekResult(w: number, n: number, modelVersion: string, tally: Tally): WeekResult {
  return {
    week: w + 1,
    customers: n,
    modelVersion,
    policies: Object.fromEntries(
      POLICIES.map((p) => {
        const t = tally[p];
        return [p, { ...t, rate: ratio(t.successes, t.offered), value: ratio(t.value, n) }];
      }),
    ) as WeekResult['policies'],
  };
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
  sendPath: SendPathTally,
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
    sendPath,
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
