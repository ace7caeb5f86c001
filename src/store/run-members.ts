import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The customers of a run over a customer file or a named segment, listed once when the run is
 * prepared; the planner streams them. A run over every customer has none and reads `customers`.
 */
export async function addRunMembers(
  db: Kysely<Database>,
  runId: string,
  customerIds: string[],
): Promise<void> {
  for (let i = 0; i < customerIds.length; i += 500) {
    const values = customerIds.slice(i, i + 500).map((customer_id) => ({ run_id: runId, customer_id }));
    await db
      .insertInto('run_members')
      .values(values)
      .onConflict((oc) => oc.columns(['run_id', 'customer_id']).doNothing())
      .execute();
  }
}

/** How many customers a run's source listed (its members). */
export async function countRunMembers(db: Kysely<Database>, runId: string): Promise<number> {
  const row = await db
    .selectFrom('run_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The run's member ids in id order, a keyset page at a time. */
export async function* streamRunMemberIds(
  db: Kysely<Database>,
  runId: string,
  batchSize = 1000,
): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('run_members')
      .select('customer_id')
      .where('run_id', '=', runId)
      .orderBy('customer_id')
      .limit(batchSize);
    if (after !== null) query = query.where('customer_id', '>', after);
    const ids = (await query.execute()).map((r) => r.customer_id);
    if (ids.length === 0) return;
    yield ids;
    if (ids.length < batchSize) return;
    after = ids[ids.length - 1] ?? null;
  }
}
