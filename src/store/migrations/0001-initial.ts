import type { CreateTableBuilder, Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The first schema: every table in schema.ts. Portable SQL: text for ids, JSON and ISO-8601 times;
 * integer/bigint for numbers; only the auto-increment id differs between SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await createCustomers(db);
  await createOffers(db);
  await createTemplates(db);
  await createRuns(db);
  await createCommunications(db, dialect);
  await createEvents(db, dialect);
  await createAuditLog(db, dialect);
}

type Table = CreateTableBuilder<string, never>;

/** `integer primary key autoincrement` in SQLite, `bigserial primary key` in PostgreSQL. */
function withSerialId(table: Table, dialect: StoreDialect): CreateTableBuilder<string, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

async function createCustomers(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('address', 'text')
    .addColumn('consent', 'text', (c) => c.notNull())
    .addColumn('e_delivery', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('traits', 'text', (c) => c.notNull())
    .addColumn('record_sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customers_email_idx').on('customers').column('email').execute();
  await db.schema.createIndex('customers_phone_idx').on('customers').column('phone').execute();
}

async function createOffers(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('offers')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('definition_sha256', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('offers_pk', ['id', 'version'])
    .execute();
}

async function createTemplates(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('templates')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('template_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template_name', 'text', (c) => c.notNull().references('templates.name'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('published_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('template_versions_name_version_uq')
    .unique()
    .on('template_versions')
    .columns(['template_name', 'version'])
    .execute();
  await db.schema
    .createIndex('template_versions_name_sha256_uq')
    .unique()
    .on('template_versions')
    .columns(['template_name', 'sha256'])
    .execute();
}

async function createRuns(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('communication_type', 'text', (c) => c.notNull())
    .addColumn('template_version_id', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('customers_total', 'integer')
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('runs_created_at_idx').on('runs').column('created_at').execute();
}

async function createCommunications(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('communications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('template_version_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('input_sha256', 'text', (c) => c.notNull())
    .addColumn('artifact_sha256', 'text')
    .addColumn('artifact_size', 'bigint')
    .addColumn('pages', 'integer')
    .addColumn('provider_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('communications_run_customer_channel_uq')
    .unique()
    .on('communications')
    .columns(['run_id', 'customer_id', 'channel'])
    .execute();
  await db.schema
    .createIndex('communications_customer_idx')
    .on('communications')
    .columns(['customer_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('communications_run_status_idx')
    .on('communications')
    .columns(['run_id', 'status'])
    .execute();
  await createCommunicationStatusHistory(db, dialect);
  await createRunFailures(db, dialect);
}

async function createCommunicationStatusHistory(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await withSerialId(db.schema.createTable('communication_status_history'), dialect)
    .addColumn('communication_id', 'text', (c) =>
      c.notNull().references('communications.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('communication_status_history_communication_idx')
    .on('communication_status_history')
    .columns(['communication_id', 'id'])
    .execute();
}

async function createRunFailures(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await withSerialId(db.schema.createTable('run_failures'), dialect)
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('run_failures_run_idx').on('run_failures').columns(['run_id', 'id']).execute();
}

async function createEvents(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await withSerialId(db.schema.createTable('events'), dialect)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('communication_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('offer_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_source_uq')
    .unique()
    .on('events')
    .columns(['source', 'source_id'])
    .execute();
  await db.schema.createIndex('events_communication_idx').on('events').column('communication_id').execute();
  await db.schema.createIndex('events_customer_idx').on('events').column('customer_id').execute();
  await db.schema.createIndex('events_offer_type_idx').on('events').columns(['offer_id', 'type']).execute();
}

async function createAuditLog(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await withSerialId(db.schema.createTable('audit_log'), dialect)
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_target_idx')
    .on('audit_log')
    .columns(['target_type', 'target_id', 'id'])
    .execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'id']).execute();
}
