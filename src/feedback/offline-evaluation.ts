import { type Interval, meanInterval } from './stats.ts';

/**
 * Offline evaluation of a ranking policy on logged decisions: every decision logged the propensity
 * of the offer it placed, so the value of another policy can be estimated before any campaign risks
 * it — inverse propensity scoring (unbiased when the target's choice is independent of the logging
 * draw and every logged propensity is positive) and self-normalised IPS (SNIPS: a little biased,
 * much lower variance), each with a 95 % interval.
 *
 * The target policy must draw with its own seed: evaluating decide() with the logged run id would
 * replay the logging policy's very draws and make IPS over-count.
 */

export interface EvaluationSample {
  /** The offer the logging policy placed. */
  logged: string;
  /** P(logged offer | customer treated) under the logging policy. */
  propensity: number;
  /** 1 for a success, 0 otherwise. */
  reward: number;
  /** The offer the evaluated policy places for the same customer (undefined: none). */
  target: string | undefined;
}

export interface OfflineEstimate {
  samples: number;
  /** Samples where the target agrees with the logged offer (the only ones that carry information). */
  matched: number;
  /** The logging policy's own mean reward (on-policy, for reference). */
  logged: { mean: number } & Interval;
  ips: { mean: number } & Interval;
  snips: { mean: number } & Interval;
  /** Effective sample size (Σw)² / Σw²: how many samples the estimate is really worth. */
  effectiveSamples: number;
  minPropensity: number;
}

export function offPolicyEstimate(samples: readonly EvaluationSample[]): OfflineEstimate {
  const n = samples.length;
  const ipsValues = new Float64Array(n);
  const rewards = new Float64Array(n);
  let sumW = 0;
  let sumW2 = 0;
  let sumWR = 0;
  let matched = 0;
  let minPropensity = 1;
  for (let i = 0; i < n; i++) {
    const s = samples[i] as EvaluationSample;
    rewards[i] = s.reward;
    minPropensity = Math.min(minPropensity, s.propensity);
    if (s.target !== s.logged || s.propensity <= 0) continue;
    matched++;
    const w = 1 / s.propensity;
    ipsValues[i] = w * s.reward;
    sumW += w;
    sumW2 += w * w;
    sumWR += w * s.reward;
  }
  const snips = sumW === 0 ? 0 : sumWR / sumW;
  let varSum = 0;
  for (let i = 0; i < n; i++) {
    const s = samples[i] as EvaluationSample;
    if (s.target !== s.logged || s.propensity <= 0) continue;
    const w = 1 / s.propensity;
    varSum += w * w * (s.reward - snips) ** 2;
  }
  const half = sumW === 0 ? 0 : (1.959964 * Math.sqrt(varSum)) / sumW;
  return {
    samples: n,
    matched,
    logged: meanInterval(rewards),
    ips: meanInterval(ipsValues),
    snips: { mean: snips, low: Math.max(0, snips - half), high: Math.min(1, snips + half) },
    effectiveSamples: sumW2 === 0 ? 0 : (sumW * sumW) / sumW2,
    minPropensity: n === 0 ? 0 : minPropensity,
  };
}
