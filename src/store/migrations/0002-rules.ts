import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * The rules stage: published catalog versions (the offers of each version also go into `offers`),
 * decisions (one per run × customer, kept so a re-run makes the same decision and an agent can say
 * why) and the model statistics behind the Beta posteriors. Portable SQL, as in 0001.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('catalog_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('catalog_versions_name_version_uq')
    .unique()
    .on('catalog_versions')
    .columns(['name', 'version'])
    .execute();
  await db.schema
    .createIndex('catalog_versions_name_sha256_uq')
    .unique()
    .on('catalog_versions')
    .columns(['name', 'sha256'])
    .execute();
  await db.schema
    .createTable('decisions')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('communication_type', 'text', (c) => c.notNull())
    .addColumn('catalog_version', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('holdout', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('decisions_pk', ['run_id', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('decisions_customer_idx')
    .on('decisions')
    .columns(['customer_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('model_stats')
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('exposures', 'bigint', (c) => c.notNull())
    .addColumn('successes', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_stats_pk', ['offer_id', 'segment'])
    .execute();
}
