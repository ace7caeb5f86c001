import type { Kysely, Selectable } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database, DecisionsTable } from './schema.ts';

/** Decisions of the rules stage, one per (run, customer): kept so a re-run reuses it and an agent can explain it. */

export interface StoredDecision<D = Record<string, unknown>> {
  runId: string;
  customerId: string;
  communicationType: string;
  catalogVersion: string;
  modelVersion: string;
  seed: string;
  holdout: boolean;
  decision: D;
  createdAt: string;
}

/** Saves the decision unless the run already has one for the customer; returns the stored one either way. */
export async function saveDecisionIfAbsent<D>(
  db: Kysely<Database>,
  d: Omit<StoredDecision<D>, 'createdAt'>,
): Promise<{ inserted: boolean; stored: StoredDecision<D> }>;
/** `readBack: false`: saves only (a writer that knows what it saved need not read it again). */
export async function saveDecisionIfAbsent<D>(
  db: Kysely<Database>,
  d: Omit<StoredDecision<D>, 'createdAt'>,
  options: { readBack: false },
): Promise<{ inserted: boolean }>;
export async function saveDecisionIfAbsent<D>(
  db: Kysely<Database>,
  d: Omit<StoredDecision<D>, 'createdAt'>,
  options: { readBack?: boolean } = {},
): Promise<{ inserted: boolean; stored?: StoredDecision<D> }> {
  const result = await db
    .insertInto('decisions')
    .values({
      run_id: d.runId,
      customer_id: d.customerId,
      communication_type: d.communicationType,
      catalog_version: d.catalogVersion,
      model_version: d.modelVersion,
      seed: d.seed,
      holdout: d.holdout ? 1 : 0,
      decision: canonicalJson(d.decision),
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(['run_id', 'customer_id']).doNothing())
    .executeTakeFirst();
  const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  if (options.readBack === false) return { inserted };
  const stored = await getDecision<D>(db, d.runId, d.customerId);
  return { inserted, stored: stored! };
}

/** The decision stored for (run, customer), or undefined. */
export async function getDecision<D = Record<string, unknown>>(
  db: Kysely<Database>,
  runId: string,
  customerId: string,
): Promise<StoredDecision<D> | undefined> {
  const row = await db
    .selectFrom('decisions')
    .selectAll()
    .where('run_id', '=', runId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row ? rowToDecision<D>(row) : undefined;
}

/** The run's stored decisions for these customers (a resumed chunk reuses them), by customer id. */
export async function listRunDecisions<D = Record<string, unknown>>(
  db: Kysely<Database>,
  runId: string,
  customerIds: readonly string[],
): Promise<Map<string, StoredDecision<D>>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('decisions')
    .selectAll()
    .where('run_id', '=', runId)
    .where('customer_id', 'in', customerIds)
    .execute();
  return new Map(rows.map((r) => [r.customer_id, rowToDecision<D>(r)]));
}

/** Newest first. */
export async function listDecisionsForCustomer<D = Record<string, unknown>>(
  db: Kysely<Database>,
  customerId: string,
  options: { limit?: number } = {},
): Promise<StoredDecision<D>[]> {
  const rows = await db
    .selectFrom('decisions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((r) => rowToDecision<D>(r));
}

function rowToDecision<D>(row: Selectable<DecisionsTable>): StoredDecision<D> {
  return {
    runId: row.run_id,
    customerId: row.customer_id,
    communicationType: row.communication_type,
    catalogVersion: row.catalog_version,
    modelVersion: row.model_version,
    seed: row.seed,
    holdout: Number(row.holdout) === 1,
    decision: parseJson<D>(row.decision),
    createdAt: row.created_at,
  };
}

/** The customer's decisions in these runs (the run id and the decision as stored). */
export async function listCustomerDecisionsInRuns(
  db: Kysely<Database>,
  customerId: string,
  runIds: readonly string[],
): Promise<{ run_id: string; decision: string }[]> {
  if (runIds.length === 0) return [];
  return db
    .selectFrom('decisions')
    .select(['run_id', 'decision'])
    .where('customer_id', '=', customerId)
    .where('run_id', 'in', runIds)
    .execute();
}

/** How many of the run's stored decisions match `pattern` (SQL `like` over the decision's JSON). */
export async function countRunDecisionsLike(
  db: Kysely<Database>,
  runId: string,
  pattern: string,
): Promise<number> {
  const row = await db
    .selectFrom('decisions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .where('decision', 'like', pattern)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
