import { sha256Hex } from '../core/hash.ts';
import { type SeededRandom, seededRandom } from '../core/seeded-random.ts';
import { canonicalJson } from '../store/index.ts';
import { sampleBeta } from './beta-sampler.ts';
import { fillSlotsFast } from './slots.ts';

/**
 * Ranking: each eligible offer's response rate has a Beta posterior per (offer, segment) — the
 * offer's prior pseudo-counts plus the successes and failures the feedback loop counted — and
 * Thompson sampling draws one rate from each, scores weight × rate and takes the best. Until there
 * are statistics, the priors rule. The draws come from the decision's seeded generator, so the same
 * run and customer always give the same ranking.
 *
 * The propensity (the probability that the policy puts an offer in a slot) has no closed form under
 * Thompson sampling, so it is simulated — but once per distinct situation, not per customer: it
 * depends only on the eligible set, the posteriors (the same for every segment without statistics)
 * and the slot count, and a run meets few of those. The simulation is seeded too.
 */

export interface OfferStats {
  exposures: number;
  successes: number;
}

export interface ModelSnapshot {
  /** `prior-only`, or `stats@<sha256 prefix of the statistics>`: recorded in every decision. */
  readonly version: string;
  /** offer id → segment key → counts. */
  readonly stats: ReadonlyMap<string, ReadonlyMap<string, OfferStats>>;
}

export interface ModelStatRow extends OfferStats {
  offerId: string;
  segment: string;
}

export const PRIOR_ONLY: ModelSnapshot = Object.freeze({ version: 'prior-only', stats: new Map() });

/** Statistics rows → a snapshot whose version is the content hash of the rows. */
export function modelSnapshot(rows: readonly ModelStatRow[]): ModelSnapshot {
  if (rows.length === 0) return PRIOR_ONLY;
  const sorted = [...rows].sort((a, b) =>
    a.offerId === b.offerId ? (a.segment < b.segment ? -1 : 1) : a.offerId < b.offerId ? -1 : 1,
  );
  const stats = new Map<string, Map<string, OfferStats>>();
  for (const r of sorted) {
    let bySegment = stats.get(r.offerId);
    if (!bySegment) {
      bySegment = new Map();
      stats.set(r.offerId, bySegment);
    }
    bySegment.set(r.segment, { exposures: r.exposures, successes: r.successes });
  }
  return { version: `stats@${sha256Hex(canonicalJson(sorted)).slice(0, 12)}`, stats };
}

export interface RankCandidate {
  offerId: string;
  weight: number;
  alpha: number;
  beta: number;
  group: string | null;
}

/** The posterior's pseudo-counts; also whether the segment had statistics for this offer. */
export function posteriorOf(
  prior: { alpha: number; beta: number },
  offerId: string,
  segment: string,
  model: ModelSnapshot,
): { alpha: number; beta: number; learned: boolean } {
  const s = model.stats.get(offerId)?.get(segment);
  if (!s) return { alpha: prior.alpha, beta: prior.beta, learned: false };
  const failures = Math.max(0, s.exposures - s.successes);
  return { alpha: prior.alpha + s.successes, beta: prior.beta + failures, learned: true };
}

/** One Thompson draw per candidate; `order` is candidate positions, best score first. */
export function thompsonRank(
  candidates: readonly RankCandidate[],
  rng: SeededRandom,
  samples: Float64Array,
  scores: Float64Array,
  order: number[],
): void {
  const n = candidates.length;
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as RankCandidate;
    const theta = sampleBeta(c.alpha, c.beta, rng);
    samples[i] = theta;
    scores[i] = c.weight * theta;
  }
  order.length = n;
  for (let i = 0; i < n; i++) {
    // insertion sort: a handful of candidates; ties keep catalog order
    let j = i;
    while (j > 0 && (scores[order[j - 1] as number] as number) < (scores[i] as number)) {
      order[j] = order[j - 1] as number;
      j--;
    }
    order[j] = i;
  }
}

export const PROPENSITY_DRAWS = 2000;

/**
 * P(candidate i in slot s) for i < n, s < slots, as a flat array [i * slots + s], simulated with
 * PROPENSITY_DRAWS seeded draws of the same policy. Pure: the caller caches it.
 */
export function simulatePropensities(
  candidates: readonly RankCandidate[],
  slots: number,
  seedKey: string,
): Float64Array {
  const n = candidates.length;
  const counts = new Float64Array(n * slots);
  const rng = seededRandom('propensity', seedKey);
  const samples = new Float64Array(n);
  const scores = new Float64Array(n);
  const order: number[] = [];
  const groups = candidates.map((c) => c.group);
  const out: number[] = new Array(slots).fill(0);
  for (let d = 0; d < PROPENSITY_DRAWS; d++) {
    thompsonRank(candidates, rng, samples, scores, order);
    const k = fillSlotsFast(order, groups, slots, out);
    for (let s = 0; s < k; s++) {
      const at = (out[s] as number) * slots + s;
      counts[at] = (counts[at] as number) + 1;
    }
  }
  for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) / PROPENSITY_DRAWS;
  return counts;
}
