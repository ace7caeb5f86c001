import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Run sources: a run over a customer file or a named segment has its members listed in
 * `run_members` (a run over every customer has none: it reads `customers`). A file's bad rows go
 * to `run_failures` at stage `input`, with the file line and the field at fault.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('run_members')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_members_pk', ['run_id', 'customer_id'])
    .execute();
  await db.schema.alterTable('run_failures').addColumn('line', 'integer').execute();
  await db.schema.alterTable('run_failures').addColumn('field', 'text').execute();
  // The dispatch relay pages through a run's unsent email/SMS by (channel, status) in id order.
  await db.schema
    .createIndex('communications_run_channel_status_id')
    .on('communications')
    .columns(['run_id', 'channel', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('run_failures_run_stage')
    .on('run_failures')
    .columns(['run_id', 'stage'])
    .execute();
}
