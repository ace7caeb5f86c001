import { type CompiledCatalog, decide, type ModelSnapshot } from '../../rules/index.ts';
import { type EvaluationSample, type OfflineEstimate, offPolicyEstimate } from '../offline-evaluation.ts';
import type { SimulationResult } from './simulate.ts';
import { trueRate } from './true-rates.ts';

/**
 * Offline evaluation checked against the simulation's ground truth: the static policy's logged
 * decisions (offer, propensity, reward) estimate a target policy (a catalog and a model), and the
 * truth is the target's expected response rate on the same customers from the true rates.
 */
export function checkOfflineEvaluation(
  result: SimulationResult,
  target: { catalog: CompiledCatalog; model: ModelSnapshot },
  options: { seed?: string; communicationType?: string } = {},
): { estimate: OfflineEstimate; truth: number } {
  const seed = options.seed ?? 'missive-simulation';
  const type = options.communicationType ?? 'cross-sell-promotion';
  const samples: EvaluationSample[] = [];
  let truthSum = 0;
  for (const log of result.logs) {
    const sc = result.cohort[log.customerIndex]!;
    const monday = new Date(Date.UTC(2026, 1, 2 + 7 * log.week, 10));
    const decision = decide(sc.customer, {
      asOf: monday.toISOString().slice(0, 10),
      now: monday.toISOString(),
      runId: `sim-${seed}-w${log.week}:evaluate`,
      communicationType: type,
      campaign: `sim-${seed}`,
      catalog: target.catalog,
      model: target.model,
    });
    const chosen = decision.offers[0]?.offerId;
    truthSum += chosen === undefined ? 0 : trueRate(chosen, sc.customer.traits, sc.subscribed);
    samples.push({ logged: log.offerId, propensity: log.propensity, reward: log.reward, target: chosen });
  }
  return {
    estimate: offPolicyEstimate(samples),
    truth: samples.length === 0 ? 0 : truthSum / samples.length,
  };
}
