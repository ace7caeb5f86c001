import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Data source definitions by content hash (the one a run used stays readable after the file changes). */
export interface DataSourceVersion {
  sha256: string;
  name: string;
  definition: string;
}

/** Stores a definition once; the same bytes again change nothing. */
export async function saveDataSourceVersion(
  db: Kysely<Database>,
  version: DataSourceVersion,
  at: string,
): Promise<void> {
  await db
    .insertInto('datasource_versions')
    .values({ sha256: version.sha256, name: version.name, definition: version.definition, created_at: at })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

/** The data source definition a run recorded, by its sha256, or undefined. */
export async function getDataSourceVersion(
  db: Kysely<Database>,
  sha256: string,
): Promise<DataSourceVersion | undefined> {
  return db
    .selectFrom('datasource_versions')
    .select(['sha256', 'name', 'definition'])
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}
