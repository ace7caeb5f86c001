import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Customer self-service (issue 20): sign-in challenges (a one-time code sent to the contact on file;
 * only an HMAC of the code is stored, with its attempts, expiry and use), customer sessions (a table
 * of their own, never the staff `sessions`), and the index the "My documents" keyset page reads:
 * (customer_id, created_at, id) answers `WHERE customer_id = ? AND (created_at, id) < (?, ?)
 * ORDER BY created_at DESC, id DESC LIMIT n` from the index alone, whatever the ledger's size.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('portal_challenges')
    .addColumn('id_sha256', 'text', (c) => c.primaryKey())
    // null: nobody matched what was typed (a decoy that behaves like a real challenge and never verifies).
    .addColumn('customer_id', 'text')
    .addColumn('identifier_sha256', 'text', (c) => c.notNull())
    .addColumn('destination_sha256', 'text')
    .addColumn('channel', 'text')
    .addColumn('code_hmac', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('portal_challenges_customer')
    .on('portal_challenges')
    .columns(['customer_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('portal_challenges_identifier')
    .on('portal_challenges')
    .columns(['identifier_sha256', 'created_at'])
    .execute();
  await db.schema
    .createIndex('portal_challenges_destination')
    .on('portal_challenges')
    .columns(['destination_sha256', 'created_at'])
    .execute();
  await db.schema
    .createTable('portal_sessions')
    .addColumn('token_sha256', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_sessions_expires').on('portal_sessions').column('expires_at').execute();
  await db.schema
    .createIndex('portal_sessions_customer')
    .on('portal_sessions')
    .column('customer_id')
    .execute();
  await db.schema
    .createIndex('communications_customer_created_id')
    .on('communications')
    .columns(['customer_id', 'created_at', 'id'])
    .execute();
}
