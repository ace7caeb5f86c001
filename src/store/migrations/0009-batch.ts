import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Run control: `generation` counts the run's plans (resume and retry-failed plan again with new
 * chunk job ids, because BullMQ keeps completed job ids for a while and would ignore the same ids);
 * `report` is the run report frozen when the run finished (JSON, reconciliation included).
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema
    .alterTable('runs')
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('runs').addColumn('report', 'text').execute();
}
