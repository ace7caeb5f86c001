import type { Kysely } from 'kysely';
import { type CompiledCatalog, type Decision, decide, type ModelSnapshot } from '../rules/index.ts';
import {
  type Database,
  getCustomers,
  listSuccessKeys,
  pageSentTreatedDecisions,
  parseJson,
} from '../store/index.ts';
import { type EvaluationSample, type OfflineEstimate, offPolicyEstimate } from './offline-evaluation.ts';

/**
 * `missive model evaluate`: the logged decisions of sent, treated communications (offer placed in
 * slot 0, its propensity) and their outcomes (a success counted in the model), and what the target
 * policy — another catalog (new priors, new segments) with a model — would have placed for the same
 * customer on the same day. The target draws with its own seed (`<run>:evaluate`).
 */

export interface PolicyEvaluation extends OfflineEstimate {
  runs: string[];
  communicationType: string | null;
  /** Logged decisions skipped because their customer no longer exists. */
  missingCustomers: number;
}

/**
 * Off-policy evaluation of a catalog and model on the sent, treated decisions (optionally of some runs or
 * one type).
 */
export async function evaluatePolicy(
  db: Kysely<Database>,
  target: { catalog: CompiledCatalog; model: ModelSnapshot },
  filter: { runIds?: readonly string[]; communicationType?: string } = {},
): Promise<PolicyEvaluation> {
  const samples: EvaluationSample[] = [];
  const runs = new Set<string>();
  let missingCustomers = 0;
  let afterId = '';
  for (;;) {
    const page = await pageSentTreatedDecisions(db, {
      afterId,
      limit: 500,
      runIds: filter.runIds,
      communicationType: filter.communicationType,
    });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const customers = new Map(
      (await getCustomers(db, [...new Set(page.map((r) => r.customer_id))])).map((c) => [c.id, c]),
    );
    const successes = await listSuccessKeys(
      db,
      page.map((r) => r.id),
    );
    for (const row of page) {
      const logged = parseJson<Decision>(row.decision);
      const offer = logged.offers?.[0];
      if (!offer) continue;
      const customer = customers.get(row.customer_id);
      if (!customer) {
        missingCustomers++;
        continue;
      }
      runs.add(logged.runId);
      const keep = 1 - (target.catalog.types[logged.communicationType]?.holdout ?? 0);
      const choice = decide(customer, {
        asOf: logged.asOf,
        now: row.created_at,
        runId: `${logged.runId}:evaluate`,
        communicationType: logged.communicationType,
        catalog: target.catalog,
        model: target.model,
      });
      samples.push({
        logged: offer.offerId,
        propensity: offer.propensity / keep,
        reward: successes.has(`s|${row.id}|${offer.offerId}`) ? 1 : 0,
        target: choice.offers[0]?.offerId,
      });
    }
  }
  return {
    ...offPolicyEstimate(samples),
    runs: [...runs].sort(),
    communicationType: filter.communicationType ?? null,
    missingCustomers,
  };
}
