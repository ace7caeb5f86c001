import type { Kysely } from 'kysely';
import type { CompiledCatalog } from '../rules/compile.ts';
import { decide } from '../rules/decide.ts';
import type { Decision } from '../rules/decision.ts';
import type { ModelSnapshot } from '../rules/ranking.ts';
import { getCustomers } from '../store/customers.ts';
import { parseJson } from '../store/json.ts';
import type { Database } from '../store/schema.ts';
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
    let q = db
      .selectFrom('communications')
      .innerJoin('decisions', (j) =>
        j
          .onRef('decisions.run_id', '=', 'communications.run_id')
          .onRef('decisions.customer_id', '=', 'communications.customer_id'),
      )
      .innerJoin('runs', 'runs.id', 'communications.run_id')
      .select(['communications.id', 'communications.customer_id', 'decisions.decision', 'runs.created_at'])
      .where('communications.status', '=', 'sent')
      .where('decisions.holdout', '=', 0)
      .where('communications.id', '>', afterId)
      .orderBy('communications.id')
      .limit(500);
    if (filter.runIds?.length) q = q.where('communications.run_id', 'in', [...filter.runIds]);
    if (filter.communicationType) q = q.where('decisions.communication_type', '=', filter.communicationType);
    const page = await q.execute();
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const customers = new Map(
      (await getCustomers(db, [...new Set(page.map((r) => r.customer_id))])).map((c) => [c.id, c]),
    );
    const successes = await successKeys(
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

async function successKeys(db: Kysely<Database>, communicationIds: string[]): Promise<Set<string>> {
  if (communicationIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('model_stat_contributions')
    .select('key')
    .where('kind', '=', 'success')
    .where('communication_id', 'in', communicationIds)
    .execute();
  return new Set(rows.map((r) => r.key));
}
