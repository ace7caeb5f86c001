import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Asks the database a trivial question (`select 1`): resolves when it answers, throws its error when not. */
export async function pingStore(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
