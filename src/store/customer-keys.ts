import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { stableId } from '../core/hash.ts';
import { nowIso } from './json.ts';
import type { Database } from './schema.ts';

/**
 * Data keys for crypto-shredding: one AES-256 key per customer and scope (the communication type,
 * so erasure can shred what may go and keep what the law says must stay). Deleting a key row makes
 * every object sealed with it unreadable. Keys live in the database beside the ledger; see
 * docs/ARCHITECTURE.md "Erasure" for what that means for backups.
 */

export interface DataKey {
  id: string;
  customerId: string;
  scope: string;
  key: Uint8Array;
}

export function dataKeyId(customerId: string, scope: string): string {
  return stableId('key', customerId, scope);
}

/** The customer's key for the scope, created on first use (concurrent creators agree on one). */
export async function getOrCreateDataKey(
  db: Kysely<Database>,
  customerId: string,
  scope: string,
): Promise<DataKey> {
  const id = dataKeyId(customerId, scope);
  const existing = await getDataKey(db, id);
  if (existing) return existing;
  await db
    .insertInto('customer_keys')
    .values({
      id,
      customer_id: customerId,
      scope,
      key: randomBytes(32).toString('base64'),
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await getDataKey(db, id))!;
}

const INSERT_SLICE = 1_000;

/**
 * The keys of many customers for one scope, created where missing: a chunk of a run asks once
 * (two reads and at most one insert) instead of once per customer. Keyed by customer id.
 */
export async function getOrCreateDataKeys(
  db: Kysely<Database>,
  customerIds: readonly string[],
  scope: string,
): Promise<Map<string, DataKey>> {
  const ids = customerIds.map((customerId) => dataKeyId(customerId, scope));
  const keys = await getDataKeys(db, ids);
  const missing = customerIds.filter((customerId) => !keys.has(customerId));
  if (missing.length === 0) return keys;
  const createdAt = nowIso();
  // 5 parameters a row: slices stay far below SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < missing.length; i += INSERT_SLICE) {
    await db
      .insertInto('customer_keys')
      .values(
        missing.slice(i, i + INSERT_SLICE).map((customerId) => ({
          id: dataKeyId(customerId, scope),
          customer_id: customerId,
          scope,
          key: randomBytes(32).toString('base64'),
          created_at: createdAt,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  // Read back: where another process created a key meanwhile, its key is the one that counts.
  for (const [customerId, key] of await getDataKeys(
    db,
    missing.map((customerId) => dataKeyId(customerId, scope)),
  )) {
    keys.set(customerId, key);
  }
  return keys;
}

async function getDataKeys(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, DataKey>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('customer_keys').selectAll().where('id', 'in', ids).execute();
  return new Map(
    rows.map((row) => [
      row.customer_id,
      { id: row.id, customerId: row.customer_id, scope: row.scope, key: Buffer.from(row.key, 'base64') },
    ]),
  );
}

/** A customer's data key (for sealed inputs) by id, or undefined once erased. */
export async function getDataKey(db: Kysely<Database>, id: string): Promise<DataKey | undefined> {
  const row = await db.selectFrom('customer_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? { id: row.id, customerId: row.customer_id, scope: row.scope, key: Buffer.from(row.key, 'base64') }
    : undefined;
}

/** Deletes the customer's keys for these scopes (all when omitted); returns the ids shredded. */
export async function shredDataKeys(
  db: Kysely<Database>,
  customerId: string,
  scopes?: readonly string[],
): Promise<string[]> {
  if (scopes?.length === 0) return [];
  let query = db.deleteFrom('customer_keys').where('customer_id', '=', customerId);
  if (scopes) query = query.where('scope', 'in', scopes);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}
