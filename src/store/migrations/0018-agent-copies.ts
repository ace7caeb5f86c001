import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Copies an agent makes of a communication (issue 19 item 1) and what an e-mail carried (issue 16
 * item 5): `copy_of` / `copy_kind` link a resend or re-print to the communication it copies (the
 * ledger row of its own on-demand run); `communication_recipients` holds the other address a copy
 * was sent to (personal data: erasure deletes it with the customer); `communication_attachments` the
 * archived documents an e-mail carried, by sha256, written with the ledger row.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema.alterTable('communications').addColumn('copy_of', 'text').execute();
  await db.schema.alterTable('communications').addColumn('copy_kind', 'text').execute();
  await db.schema.createIndex('communications_copy_of').on('communications').column('copy_of').execute();
  await db.schema
    .createTable('communication_recipients')
    .addColumn('communication_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('communication_recipients_customer')
    .on('communication_recipients')
    .column('customer_id')
    .execute();
  await db.schema
    .createTable('communication_attachments')
    .addColumn('communication_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('communication_attachments_pk', ['communication_id', 'position'])
    .execute();
  await db.schema
    .createIndex('communication_attachments_sha256')
    .on('communication_attachments')
    .column('sha256')
    .execute();
}
