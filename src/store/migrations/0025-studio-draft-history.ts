import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * A studio draft's edit history, for undo and redo on the canvas (issue 21 item 1): each edit's files
 * before (JSON; null for a file the edit added) and after. An undone edit is kept (undone = 1) until
 * the next edit, so it can be redone; the newest 50 edits of a draft are kept.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('studio_draft_history')
    .addColumn('draft_id', 'text', (c) => c.notNull().references('studio_drafts.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('before', 'text', (c) => c.notNull())
    .addColumn('after', 'text', (c) => c.notNull())
    .addColumn('undone', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('studio_draft_history_pk', ['draft_id', 'seq'])
    .execute();
}
