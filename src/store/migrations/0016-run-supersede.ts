import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * One statement per customer per period (issue 17 item 8): a run that replaces an earlier run of the
 * same communication type and as-of date (`missive run --supersede RUN`) marks it. Both are kept;
 * `superseded_by` names the replacing run, `superseded_at` when. The index finds a period's runs.
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema.alterTable('runs').addColumn('superseded_by', 'text').execute();
  await db.schema.alterTable('runs').addColumn('superseded_at', 'text').execute();
  await db.schema
    .createIndex('runs_type_as_of')
    .on('runs')
    .columns(['communication_type', 'as_of'])
    .execute();
}
