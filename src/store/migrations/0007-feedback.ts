import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The feedback loop: one row per counted contribution to `model_stats` — an exposure (a sent,
 * treated communication with an offer) or a success (the first success event of that
 * communication and offer). The primary key makes every count happen once, however often an event
 * is replayed or the model is re-synchronised.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('model_stat_contributions')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('communication_id', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('model_stat_contributions_offer_idx')
    .on('model_stat_contributions')
    .columns(['offer_id', 'segment', 'kind'])
    .execute();
}
