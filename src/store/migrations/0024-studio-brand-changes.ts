import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Brand theme changes proposed in the studio (issue 21 item 3): the brand folder's files as they would
 * be (brand.yaml with the new colours, fonts and logo, the logo's base64 text), the brand version they
 * were made from, and the four-eyes decision. Approving writes the files into the brands folder.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('studio_brand_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('base_sha256', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema
    .createIndex('studio_brand_changes_brand_idx')
    .on('studio_brand_changes')
    .columns(['brand_id', 'submitted_at'])
    .execute();
}
