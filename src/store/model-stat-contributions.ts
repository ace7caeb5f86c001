import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Each exposure and success counted once (feedback/model-stats.ts), keyed `x|…` / `s|<communication>|<offer>`. */

export interface NewContribution {
  key: string;
  kind: 'exposure' | 'success';
  communicationId: string;
  offerId: string;
  segment: string;
  eventId: number | null;
}

/** Records the contribution unless its key is recorded; says whether it was new. */
export async function insertContributionIfAbsent(db: Kysely<Database>, c: NewContribution): Promise<boolean> {
  const result = await db
    .insertInto('model_stat_contributions')
    .values({
      key: c.key,
      kind: c.kind,
      communication_id: c.communicationId,
      offer_id: c.offerId,
      segment: c.segment,
      event_id: c.eventId,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The success keys recorded for these communications. */
export async function listSuccessKeys(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<Set<string>> {
  if (communicationIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('model_stat_contributions')
    .select('key')
    .where('kind', '=', 'success')
    .where('communication_id', 'in', communicationIds)
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** The run's contributions by offer, segment and kind. */
export async function countRunContributions(
  db: Kysely<Database>,
  runId: string,
): Promise<{ offer_id: string; segment: string; kind: string; n: number }[]> {
  return db
    .selectFrom('model_stat_contributions')
    .innerJoin('communications', 'communications.id', 'model_stat_contributions.communication_id')
    .select((eb) => [
      'model_stat_contributions.offer_id',
      'model_stat_contributions.segment',
      'model_stat_contributions.kind',
      eb.fn.countAll<number>().as('n'),
    ])
    .where('communications.run_id', '=', runId)
    .groupBy([
      'model_stat_contributions.offer_id',
      'model_stat_contributions.segment',
      'model_stat_contributions.kind',
    ])
    .execute();
}
