import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Blobs written but not yet referenced: a row per document blob (its bytes, its sealed inputs) is
 * written before the blob is stored and deleted in the transaction that writes the ledger row. A
 * crash in between leaves the row behind, so the orphan is known: `archive verify` reports it,
 * `archive purge` removes it after a grace period, erasure removes the customer's.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('pending_blobs')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pending_blobs_pk', ['run_id', 'customer_id', 'channel', 'sha256'])
    .execute();
  await db.schema.createIndex('pending_blobs_customer').on('pending_blobs').column('customer_id').execute();
  await db.schema.createIndex('pending_blobs_created').on('pending_blobs').column('created_at').execute();
}
