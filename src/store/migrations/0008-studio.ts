import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The marketing studio: drafts (an editable copy of a template version's files, with its four-eyes
 * workflow state) and the marketers who may approve them (admins always may). Portable SQL, as in 0001.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('studio_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template_name', 'text', (c) => c.notNull())
    .addColumn('base_version_id', 'text')
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('published_version_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('studio_drafts_template_idx')
    .on('studio_drafts')
    .columns(['template_name', 'created_at'])
    .execute();
  await db.schema
    .createTable('studio_approvers')
    .addColumn('user_name', 'text', (c) => c.primaryKey().references('users.name').onDelete('cascade'))
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .execute();
}
