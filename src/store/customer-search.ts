import { type Expression, type Kysely, PostgresAdapter, type SqlBool, sql } from 'kysely';
import { normalisePinyinQuery } from '../core/search-keys.ts';
import type { Customer } from '../core/types.ts';
import { rowToCustomer } from './customers.ts';
import type { Database } from './schema.ts';

/**
 * The call-center lookup: one box that finds a customer by id, name (prefix, case-insensitive; a
 * Chinese name also by its pinyin, whole, given name first or initials, as a prefix), phone (as
 * typed, with or without the country code, or its last four digits), e-mail or account number. Every value is a
 * bound parameter: the text typed is data, never SQL.
 */
export type SearchKind = 'any' | 'id' | 'name' | 'phone' | 'email' | 'account';

export interface CustomerSearch {
  q: string;
  kind?: SearchKind;
  limit?: number;
}

/** Country codes tried before a phone number typed without one (the locales Missive ships). */
const COUNTRY_CODES = ['86', '44'];

/** One way a query can match: the ids it finds, at most `limit`, in the order its index gives them. */
type Term = { execute(): Promise<{ id: string }[]> };

/**
 * Customers matching a search (name, id, email, phone or postcode; pinyin for Chinese names); an empty query
 * finds none. Each way of matching is its own query, limited and answered from its index in the
 * index's order (a name prefix by name, a pinyin key by key), and the ids found are then read in id
 * order: one OR over all of them made SQLite collect and sort every match of a common prefix ("Joan"
 * at 1,000,000 customers: p99 ~950 ms; bench/search.ts). With more matches than `limit`, the first
 * `limit` in name or key order are shown.
 */
export async function searchCustomers(db: Kysely<Database>, search: CustomerSearch): Promise<Customer[]> {
  const q = search.q.trim();
  if (q === '') return [];
  const limit = search.limit ?? 50;
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const ids = new Set<string>();
  for (const term of terms(db, q, search.kind ?? 'any', postgres, limit)) {
    for (const row of await term.execute()) ids.add(row.id);
  }
  if (ids.size === 0) return [];
  const rows = await db
    .selectFrom('customers')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(rowToCustomer);
}

function terms(db: Kysely<Database>, q: string, kind: SearchKind, postgres: boolean, limit: number): Term[] {
  const want = (k: SearchKind) => kind === 'any' || kind === k;
  const customers = () => db.selectFrom('customers').select('id');
  const out: Term[] = [];
  if (want('id')) out.push(customers().where('id', '=', q));
  if (want('email') && q.includes('@')) {
    out.push(
      customers()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', q.toLowerCase()))
        .limit(limit),
    );
  }
  const digits = q.replace(/[\s\-().]/g, '');
  if (want('phone') && /^\+?\d{6,15}$/.test(digits)) {
    out.push(customers().where('phone', 'in', phoneCandidates(digits)).limit(limit));
  }
  const accountDigits = q.replace(/[\s-]/g, '');
  if (want('account') && /^\d{6,34}$/.test(accountDigits)) {
    out.push(
      db
        .selectFrom('customer_accounts')
        .select('customer_id as id')
        .where('account_digits', '=', accountDigits)
        .orderBy('customer_id')
        .limit(limit),
    );
  }
  if (want('phone') && /^\d{4}$/.test(digits)) out.push(keyed(db, 'phone4', digits, false, limit));
  if (want('name') && !q.includes('@')) {
    out.push(customers().where(namePrefix(q.toLowerCase(), postgres)).orderBy(sql`lower(name)`).limit(limit));
    const pinyin = normalisePinyinQuery(q);
    if (pinyin) out.push(keyed(db, 'pinyin', pinyin, true, limit));
  }
  return out;
}

/**
 * lower(name) starts with the text, in a form each database answers from its lower(name) index (every
 * term of the OR must use an index, or the whole search scans the table): PostgreSQL a LIKE on the
 * text_pattern_ops index (0015), SQLite a range, which its LIKE never uses on an expression index.
 */
function namePrefix(prefix: string, postgres: boolean): Expression<SqlBool> {
  if (postgres) return sql<SqlBool>`lower(name) like ${`${escapeLike(prefix)}%`} escape '\\'`;
  // SQLite compares text as bytes: every string starting with the prefix sorts below prefix + U+10FFFF.
  return sql<SqlBool>`(lower(name) >= ${prefix} and lower(name) < ${`${prefix}\u{10FFFF}`})`;
}

/** Customers with a search key of this kind: equal to the text, or starting with it (in key order). */
function keyed(
  db: Kysely<Database>,
  kind: 'phone4' | 'pinyin',
  text: string,
  prefix: boolean,
  limit: number,
): Term {
  return db
    .selectFrom('customer_search_keys')
    .select('customer_id as id')
    .where('kind', '=', kind)
    .where((k) => {
      if (!prefix) return k('key', '=', text);
      const next = nextPrefix(text);
      return next === undefined ? k('key', '>=', text) : k.and([k('key', '>=', text), k('key', '<', next)]);
    })
    .orderBy('key')
    .orderBy('customer_id')
    .limit(limit);
}

/**
 * The smallest lower-case ASCII string after every string starting with `text` ("luo" → "lup",
 * "abz" → "ac"): a prefix as an index range, the same under any collation for keys of a–z.
 */
export function nextPrefix(text: string): string | undefined {
  const trimmed = text.replace(/z+$/, '');
  if (trimmed === '') return undefined;
  return `${trimmed.slice(0, -1)}${String.fromCharCode(trimmed.charCodeAt(trimmed.length - 1) + 1)}`;
}

function phoneCandidates(digits: string): string[] {
  if (digits.startsWith('+')) return [digits];
  const national = digits.replace(/^0+/, '');
  return [`+${digits}`, ...COUNTRY_CODES.map((cc) => `+${cc}${national}`)];
}

/** `%`, `_` and the escape character itself match literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Remembers the account numbers a customer's documents show, so the call center can search by them. */
export async function recordCustomerAccount(
  db: Kysely<Database>,
  customerId: string,
  accountNumber: string,
): Promise<void> {
  const digits = accountNumber.replace(/\D/g, '');
  if (digits.length < 6) return;
  await db
    .insertInto('customer_accounts')
    .values({ account_digits: digits, customer_id: customerId })
    .onConflict((oc) => oc.columns(['account_digits', 'customer_id']).doNothing())
    .execute();
}

/** The account numbers known for a customer (digits only). */
export async function listCustomerAccounts(db: Kysely<Database>, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_accounts')
    .select('account_digits')
    .where('customer_id', '=', customerId)
    .orderBy('account_digits')
    .execute();
  return rows.map((r) => r.account_digits);
}
