import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The API's people and lookups: users (scrypt password hashes, a role), server-side sessions and
 * API tokens (only the sha256 of each secret is stored), account numbers for the call-center search,
 * and the indexes the call-center lookups need on a ledger of millions. Portable SQL, as in 0001.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('token_sha256', 'text', (c) => c.primaryKey())
    .addColumn('user_name', 'text', (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();
  await db.schema
    .createTable('api_tokens')
    .addColumn('token_sha256', 'text', (c) => c.primaryKey())
    .addColumn('user_name', 'text', (c) => c.notNull().references('users.name').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('customer_accounts')
    .addColumn('account_digits', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_accounts_pk', ['account_digits', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_accounts_customer_idx')
    .on('customer_accounts')
    .column('customer_id')
    .execute();
  // Case-insensitive e-mail and name lookups; names are matched by prefix.
  await db.schema
    .createIndex('customers_email_lower_idx')
    .on('customers')
    .expression(sql`lower(email)`)
    .execute();
  await db.schema
    .createIndex('customers_name_lower_idx')
    .on('customers')
    .expression(sql`lower(name)`)
    .execute();
  // Timeline: a customer's events newest first.
  await db.schema
    .createIndex('events_customer_occurred_idx')
    .on('events')
    .columns(['customer_id', 'occurred_at'])
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute();
}
