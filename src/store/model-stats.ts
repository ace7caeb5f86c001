import type { Kysely } from 'kysely';
import { nowIso } from './json.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** Exposures and successes per (offer, segment): what the feedback loop learns, what ranking reads. */
export interface ModelStatCounts {
  offerId: string;
  segment: string;
  exposures: number;
  successes: number;
}

/** Adds counts (an upsert that increments), atomically for the whole list. */
export async function addModelStats(db: Kysely<Database>, rows: readonly ModelStatCounts[]): Promise<void> {
  if (rows.length === 0) return;
  const now = nowIso();
  await inTransaction(db, async (trx) => {
    for (const r of rows) {
      await trx
        .insertInto('model_stats')
        .values({
          offer_id: r.offerId,
          segment: r.segment,
          exposures: r.exposures,
          successes: r.successes,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['offer_id', 'segment']).doUpdateSet((eb) => ({
            exposures: eb(eb.ref('model_stats.exposures'), '+', eb.ref('excluded.exposures')),
            successes: eb(eb.ref('model_stats.successes'), '+', eb.ref('excluded.successes')),
            updated_at: now,
          })),
        )
        .execute();
    }
  });
}

/** Every statistic, ordered by offer and segment. */
export async function loadModelStats(db: Kysely<Database>): Promise<ModelStatCounts[]> {
  const rows = await db
    .selectFrom('model_stats')
    .selectAll()
    .orderBy('offer_id')
    .orderBy('segment')
    .execute();
  return rows.map((r) => ({
    offerId: r.offer_id,
    segment: r.segment,
    exposures: Number(r.exposures),
    successes: Number(r.successes),
  }));
}
