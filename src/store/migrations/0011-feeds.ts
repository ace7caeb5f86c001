import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Data feeds: the organisation's extracts (accounts, transactions, usage, policies) loaded per data
 * source, feed and as-of period. `feed_loads` has one row per file loaded (the current one per
 * period, and the ones it replaced); `feed_rows` holds the rows of each load as JSON, keyed by the
 * parent they join on (a customer id, or a parent feed row's key). `datasource_versions` keeps the
 * definitions runs used.
 */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const loads = db.schema.createTable('feed_loads');
  await (dialect === 'postgres'
    ? loads.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : loads.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('datasource', 'text', (c) => c.notNull())
    .addColumn('feed', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    // loading → current (the period's load runs use) → replaced (a corrected file took its place)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('definition_sha256', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('orphans', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_sum', 'text')
    .addColumn('expected_rows', 'integer')
    .addColumn('expected_amount', 'text')
    // none (no control totals given) | ok | mismatch
    .addColumn('control_status', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('control_detail', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('feed_loads_period')
    .on('feed_loads')
    .columns(['datasource', 'feed', 'as_of', 'status'])
    .execute();
  await db.schema
    .createTable('feed_rows')
    .addColumn('load_id', 'bigint', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('row_key', 'text')
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feed_rows_parent')
    .on('feed_rows')
    .columns(['load_id', 'parent_key'])
    .execute();
  // Each data source definition a run used, by the sha256 of its bytes: render workers anywhere read
  // the run's definition from here, and a later edit of the file never changes a finished run.
  await db.schema
    .createTable('datasource_versions')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Only rows of feeds that others join on carry a key: the orphan check of a child feed looks them up.
  await sql`create index feed_rows_key on feed_rows (load_id, row_key) where row_key is not null`.execute(db);
}
