import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Print files sent to the print house: one row per file of a run's print streams made with one set
 * of options (size, duplex, householding, marks), with its sha256 in the archive and its counts, so
 * a run report can count pages and sheets. Portable SQL, as in 0001.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('print_streams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
    .addColumn('options_key', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('stream_index', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text', (c) => c.notNull())
    .addColumn('documents', 'integer', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('physical_pages', 'integer', (c) => c.notNull())
    .addColumn('blank_pages', 'integer', (c) => c.notNull())
    .addColumn('sheets', 'integer', (c) => c.notNull())
    .addColumn('envelopes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('print_streams_run_options_index_uq')
    .unique()
    .on('print_streams')
    .columns(['run_id', 'options_key', 'stream_index'])
    .execute();
}
