import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The dispatch stage (src/channels): what the ledger must know to send once and say what happened.
 * - `delivery_key`: hash(run, customer, template version, channel), UNIQUE (RELIABILITY N1): the SMTP
 *   Message-ID and the provider idempotency key. Null for rows made before dispatch existed.
 * - `attempts`, `error_code`, `provider_status`: how many sends were tried, the provider's code of the
 *   last failure (SMTP 550, Twilio 21211) and its last delivery status (queued, delivered, undelivered).
 * - `segments`, `cost`, `cost_unit`: what an SMS cost (Twilio's price is a decimal string).
 * - `fallback_of`: the communication this one replaces (a bounced statement that goes on paper).
 * One ADD COLUMN per statement: SQLite allows no more. Portable SQL, as in 0001.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  const columns: [string, 'text' | 'integer'][] = [
    ['delivery_key', 'text'],
    ['error_code', 'text'],
    ['provider_status', 'text'],
    ['segments', 'integer'],
    ['cost', 'text'],
    ['cost_unit', 'text'],
    ['fallback_of', 'text'],
  ];
  for (const [name, type] of columns) {
    await db.schema.alterTable('communications').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('communications')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('communications_delivery_key_uq')
    .unique()
    .on('communications')
    .column('delivery_key')
    .execute();
  await db.schema
    .createIndex('communications_provider_id_idx')
    .on('communications')
    .column('provider_id')
    .execute();
  await db.schema.alterTable('communication_status_history').addColumn('code', 'text').execute();
}
