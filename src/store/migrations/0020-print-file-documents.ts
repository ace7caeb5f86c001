import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The print lifecycle (issue 19 item 4): which print file holds each letter, so the print house's
 * returned manifest (`missive print-streams confirm`) can be matched to it by communication id, by
 * sequence or by envelope, and an agent's re-print put in another run's print file is printed once.
 * One row per communication: its latest print file (making the streams again moves it). Ids only.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('print_file_documents')
    .addColumn('communication_id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('envelope', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('print_file_documents_file')
    .on('print_file_documents')
    .columns(['file_name', 'sequence'])
    .execute();
  await db.schema
    .createIndex('print_file_documents_run')
    .on('print_file_documents')
    .column('run_id')
    .execute();
}
