import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

/**
 * Times in the viewer's zone (issue 18 item 6): a user's IANA time zone (`Asia/Shanghai`), chosen
 * on the settings page; null means the default of the UI language (zh-CN: Asia/Shanghai, en-GB:
 * Europe/London).
 */
export async function up(db: Kysely<unknown>, _dialect: StoreDialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('time_zone', 'text').execute();
}
