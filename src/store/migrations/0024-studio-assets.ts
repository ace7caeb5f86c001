import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The studio's asset library (issue 21 item 3): uploaded logos and images, each kept under the sha256
 * of its re-encoded bytes (content-addressed: the same picture uploaded twice is one row) with the
 * file name offers and templates refer to it by (`platinum.png`, unique). The bytes are base64 text,
 * as template packages keep images, so SQLite and PostgreSQL store them alike. Not personal data.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('studio_assets')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute();
}
