import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { Traits } from '../core/types.ts';
import { parseJson } from './json.ts';
import type { Database } from './schema.ts';

/**
 * The stored customers' traits as `offers lint|publish` check them (src/rules/reality-check.ts):
 * how many lack each trait, counted in one SQL query on SQLite or PostgreSQL, and the traits a
 * page at a time (never the whole table in memory).
 */

const isPostgres = (db: Kysely<Database>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** The trait's value as SQL (NULL when the key is missing or JSON null). */
function traitValue(db: Kysely<Database>, name: string): RawBuilder<unknown> {
  return isPostgres(db)
    ? sql`(${sql.ref('traits')}::jsonb ->> ${name})`
    : sql`json_extract(${sql.ref('traits')}, ${`$."${name.replaceAll('"', '')}"`})`;
}

/** Stored customers, and for each trait how many of them lack it (missing or null). */
export async function countAbsentTraits(
  db: Kysely<Database>,
  names: readonly string[],
): Promise<{ total: number; absent: Record<string, number> }> {
  const row = await db
    .selectFrom('customers')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('total'),
      ...names.map((name, i) =>
        sql<number | string | null>`sum(case when ${traitValue(db, name)} is null then 1 else 0 end)`.as(
          `a${i}`,
        ),
      ),
    ])
    .executeTakeFirstOrThrow();
  const values = row as Record<string, number | string | null>;
  const absent: Record<string, number> = {};
  names.forEach((name, i) => {
    absent[name] = Number(values[`a${i}`] ?? 0);
  });
  return { total: Number(values.total ?? 0), absent };
}

/** Every stored customer's traits in id order, `pageSize` at a time. */
export async function* customerTraitPages(db: Kysely<Database>, pageSize = 5_000): AsyncGenerator<Traits[]> {
  let after: string | null = null;
  for (;;) {
    let query = db.selectFrom('customers').select(['id', 'traits']).orderBy('id').limit(pageSize);
    if (after !== null) query = query.where('id', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows.map((r) => parseJson<Traits>(r.traits));
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
