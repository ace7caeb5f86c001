import { type Kysely, sql } from 'kysely';
import { searchKeysFor } from '../../core/search-keys.ts';
import type { StoreDialect } from '../dialect.ts';

/**
 * Search keys of the call center beside the customer row (src/core/search-keys.ts): the phone's last
 * four digits and the pinyin of Chinese names, kept in step with the customer by the store's writers
 * (upsert, erasure). Existing customers get theirs here, a page at a time. PostgreSQL also gets a
 * text_pattern_ops index on lower(name), so a name prefix is an index range there too.
 */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  if (dialect === 'postgres') {
    // A name-prefix LIKE uses an index only with text_pattern_ops under a non-C collation.
    await sql`create index if not exists customers_name_pattern_idx on customers (lower(name) text_pattern_ops)`.execute(
      db,
    );
  }
  await db.schema
    .createTable('customer_search_keys')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_search_keys_pk', ['kind', 'key', 'customer_id'])
    .execute();
  await db.schema
    .createIndex('customer_search_keys_customer_idx')
    .on('customer_search_keys')
    .column('customer_id')
    .execute();
  const typed = db as Kysely<{
    customers: { id: string; name: string; phone: string | null };
    customer_search_keys: { kind: string; key: string; customer_id: string };
  }>;
  for (let after = ''; ; ) {
    const page = await typed
      .selectFrom('customers')
      .select(['id', 'name', 'phone'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(2_000)
      .execute();
    if (page.length === 0) break;
    const rows = page.flatMap((c) => searchKeysFor(c).map((k) => ({ ...k, customer_id: c.id })));
    for (let i = 0; i < rows.length; i += 500) {
      await typed
        .insertInto('customer_search_keys')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    after = page.at(-1)!.id;
  }
}
