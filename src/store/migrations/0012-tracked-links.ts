import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Short tracked links (`/t/<code>`, `/o/<code>.gif`): one row per communication × purpose × target,
 * written in the transaction that writes the communication's ledger row. The target is stored here
 * and never carried in the URL, so a link can only lead where Missive put it.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('tracked_links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('communication_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tracked_links_communication')
    .on('tracked_links')
    .column('communication_id')
    .execute();
}
