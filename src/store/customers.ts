import type { Kysely, Selectable } from 'kysely';
import { sha256Hex } from '../core/hash.ts';
import { searchKeysFor } from '../core/search-keys.ts';
import type { Customer } from '../core/types.ts';
import { CONSENT_EVENT_TYPES } from './customer-feedback.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { CustomersTable, Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

type CustomerRow = Selectable<CustomersTable>;
type CustomerFields = Omit<CustomerRow, 'created_at' | 'updated_at'>;

/** Rows per statement and per transaction: well under SQLite's and PostgreSQL's parameter limits. */
const BATCH = 500;

export interface UpsertOptions {
  /**
   * The imported file's as-of time (ISO). A customer whose consent changed after it (an agent's or
   * the customer's own change, an unsubscribe: events of `consentEventTypes`) keeps the stored
   * consent and e-delivery: an older file never undoes a newer "no".
   */
  consentChangesAfter?: string | undefined;
  /** Default: CONSENT_EVENT_TYPES. */
  consentEventTypes?: readonly string[] | undefined;
}

/**
 * Inserts new customers, rewrites changed ones and leaves identical ones untouched (their
 * `updated_at` stays), one transaction per batch of 500. Within one call a repeated id counts once,
 * the last record winning. Returns how many of each there were.
 */
export async function upsertCustomers(
  db: Kysely<Database>,
  customers: Customer[],
  options: UpsertOptions = {},
): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const unique = [...new Map(customers.map((c) => [c.id, customerFields(c)])).values()];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = await upsertBatch(db, unique.slice(i, i + BATCH), options);
    counts.inserted += batch.inserted;
    counts.updated += batch.updated;
    counts.unchanged += batch.unchanged;
  }
  return counts;
}

async function upsertBatch(
  db: Kysely<Database>,
  rows: CustomerFields[],
  options: UpsertOptions,
): Promise<UpsertCounts> {
  return inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('customers')
      .select(['id', 'record_sha256'])
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const known = new Map(existing.map((r) => [r.id, r.record_sha256]));
    const fresh = rows.filter((r) => !known.has(r.id));
    const changed = rows.filter((r) => known.has(r.id) && known.get(r.id) !== r.record_sha256);
    const now = nowIso();
    if (fresh.length > 0) await insertRows(trx, fresh, now);
    await replaceSearchKeys(trx, [...fresh, ...changed]);
    const kept = await newerConsent(trx, changed, options);
    for (const row of changed) {
      const stored = kept.get(row.id);
      await trx
        .updateTable('customers')
        .set({ ...row, ...(stored ?? {}), updated_at: now })
        .where('id', '=', row.id)
        .execute();
    }
    return {
      inserted: fresh.length,
      updated: changed.length,
      unchanged: rows.length - fresh.length - changed.length,
    };
  });
}

/** The call center's extra search keys (phone's last four, pinyin) follow the name and phone. */
async function replaceSearchKeys(db: Kysely<Database>, rows: CustomerFields[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .deleteFrom('customer_search_keys')
    .where(
      'customer_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const keys = rows.flatMap((r) => searchKeysFor(r).map((k) => ({ ...k, customer_id: r.id })));
  for (let i = 0; i < keys.length; i += BATCH) {
    await db
      .insertInto('customer_search_keys')
      .values(keys.slice(i, i + BATCH))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The stored consent and e-delivery of the customers whose consent changed after the file's as-of. */
async function newerConsent(
  db: Kysely<Database>,
  rows: CustomerFields[],
  options: UpsertOptions,
): Promise<Map<string, Pick<CustomerFields, 'consent' | 'e_delivery'>>> {
  const after = options.consentChangesAfter;
  const types = options.consentEventTypes ?? CONSENT_EVENT_TYPES;
  if (after === undefined || types.length === 0 || rows.length === 0) return new Map();
  const changedLater = await db
    .selectFrom('events')
    .select('customer_id')
    .distinct()
    .where(
      'customer_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('type', 'in', [...types])
    .where('occurred_at', '>', after)
    .execute();
  const ids = changedLater.map((r) => r.customer_id).filter((id): id is string => id !== null);
  if (ids.length === 0) return new Map();
  const stored = await db
    .selectFrom('customers')
    .select(['id', 'consent', 'e_delivery'])
    .where('id', 'in', ids)
    .execute();
  return new Map(stored.map((r) => [r.id, { consent: r.consent, e_delivery: r.e_delivery }]));
}

/** A concurrent importer may have inserted the same id since we looked: then this becomes an update. */
async function insertRows(db: Kysely<Database>, rows: CustomerFields[], now: string): Promise<void> {
  await db
    .insertInto('customers')
    .values(rows.map((r) => ({ ...r, created_at: now, updated_at: now })))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        locale: eb.ref('excluded.locale'),
        time_zone: eb.ref('excluded.time_zone'),
        email: eb.ref('excluded.email'),
        phone: eb.ref('excluded.phone'),
        address: eb.ref('excluded.address'),
        consent: eb.ref('excluded.consent'),
        e_delivery: eb.ref('excluded.e_delivery'),
        traits: eb.ref('excluded.traits'),
        record_sha256: eb.ref('excluded.record_sha256'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** The row for a customer, JSON canonicalised, with the sha256 of exactly those fields. */
export function customerFields(customer: Customer): CustomerFields {
  const fields: Omit<CustomerFields, 'record_sha256'> = {
    id: customer.id,
    name: customer.name,
    locale: customer.locale,
    time_zone: customer.timeZone,
    email: customer.email,
    phone: customer.phone,
    address: customer.address === null ? null : canonicalJson(customer.address),
    consent: canonicalJson(customer.consent),
    e_delivery: customer.eDelivery ? 1 : 0,
    traits: canonicalJson(customer.traits),
  };
  return { ...fields, record_sha256: sha256Hex(canonicalJson(fields)) };
}

/** A `customers` row as a Customer (JSON columns parsed). */
export function rowToCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    locale: row.locale,
    timeZone: row.time_zone,
    email: row.email,
    phone: row.phone,
    address: row.address === null ? null : parseJson<Customer['address']>(row.address),
    consent: parseJson<Customer['consent']>(row.consent),
    eDelivery: Number(row.e_delivery) === 1,
    traits: parseJson<Customer['traits']>(row.traits),
  };
}

/** One customer by id, or undefined. */
export async function getCustomer(db: Kysely<Database>, id: string): Promise<Customer | undefined> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToCustomer(row) : undefined;
}

/** The customers with these ids, in the order asked; unknown ids are left out. */
export async function getCustomers(db: Kysely<Database>, ids: readonly string[]): Promise<Customer[]> {
  return (await getCustomersWithChangeTime(db, ids)).map((r) => r.customer);
}

/**
 * Customers by id, each with when its record last changed (`updated_at`: an import that changed it,
 * a consent, trait or language change). The print stream compares it with its documents' ledger rows.
 */
export async function getCustomersWithChangeTime(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Array<{ customer: Customer; changedAt: string }>> {
  const found = new Map<string, { customer: Customer; changedAt: string }>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db
      .selectFrom('customers')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + BATCH))
      .execute();
    for (const row of rows) found.set(row.id, { customer: rowToCustomer(row), changedAt: row.updated_at });
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** How many customers the store holds. */
export async function countCustomers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Keyset page: up to `limit` customers with id > `afterId` (null: from the start), ordered by id. */
export async function listCustomersAfter(
  db: Kysely<Database>,
  afterId: string | null,
  limit: number,
): Promise<Customer[]> {
  let query = db.selectFrom('customers').selectAll().orderBy('id').limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  return (await query.execute()).map(rowToCustomer);
}

/** Every customer id in id order, a batch at a time, never the whole table in memory. */
export async function* streamCustomerIds(
  db: Kysely<Database>,
  options: { batchSize?: number; afterId?: string | null } = {},
): AsyncGenerator<string[]> {
  const batchSize = options.batchSize ?? 1000;
  let after = options.afterId ?? null;
  for (;;) {
    let query = db.selectFrom('customers').select('id').orderBy('id').limit(batchSize);
    if (after !== null) query = query.where('id', '>', after);
    const ids = (await query.execute()).map((r) => r.id);
    if (ids.length === 0) return;
    yield ids;
    if (ids.length < batchSize) return;
    after = ids[ids.length - 1] ?? null;
  }
}

/** Whether a customer with this id is in the store. */
export async function customerExists(db: Kysely<Database>, id: string): Promise<boolean> {
  const found = await db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst();
  return found !== undefined;
}
