import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Signed document links from statement and bill e-mails (issue 20): a portal session opened by such
 * a link may read one document only (`portal_sessions.document_id`; null: a session signed in with a
 * code, which reads everything of its customer), and signing out closes every link the customer was
 * sent before (`portal_link_closures.closed_at`: links issued before it are refused).
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema.alterTable('portal_sessions').addColumn('document_id', 'text').execute();
  await db.schema
    .createTable('portal_link_closures')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .execute();
}
