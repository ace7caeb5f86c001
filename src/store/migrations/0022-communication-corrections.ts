import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Corrected copies (issue 19 item 1): an agent's request to re-render a communication with corrected
 * fields, its four-eyes state (`pending` until a second person approves a change of an amount,
 * `applied`, `refused`), who asked and who decided, with reasons, and the new version it made
 * (`correction_id`, a ledger row whose `copy_of` names the original, `copy_kind` = correction).
 * The requested values are personal data: sealed with the customer's data key (`sealed_changes`,
 * crypto-shredded on erasure); `fields` lists only the paths changed and whether each is an amount.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('communication_corrections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('communication_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('changes_amount', 'integer', (c) => c.notNull())
    .addColumn('send', 'text', (c) => c.notNull())
    .addColumn('sealed_changes', 'text')
    .addColumn('key_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('correction_id', 'text')
    .addUniqueConstraint('communication_corrections_client', ['requested_by', 'client_id'])
    .execute();
  await db.schema
    .createIndex('communication_corrections_communication')
    .on('communication_corrections')
    .column('communication_id')
    .execute();
  await db.schema
    .createIndex('communication_corrections_status')
    .on('communication_corrections')
    .columns(['status', 'requested_at'])
    .execute();
}
