import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The self-service portal's tables (migration 0014): sign-in challenges and customer sessions.
 * Secrets are stored only as hashes (sessions: sha256 of the cookie; codes: an HMAC, src/portal).
 */

export interface ChallengeRecord {
  idSha256: string;
  customerId: string | null;
  identifierSha256: string;
  destinationSha256: string | null;
  channel: string | null;
  codeHmac: string;
  attempts: number;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

/** Stores a portal sign-in challenge (hashes and the code's HMAC only, no identifier or code in clear). */
export async function insertChallenge(
  db: Kysely<Database>,
  c: Omit<ChallengeRecord, 'attempts' | 'usedAt'> & { sent: boolean },
): Promise<void> {
  await db
    .insertInto('portal_challenges')
    .values({
      id_sha256: c.idSha256,
      customer_id: c.customerId,
      identifier_sha256: c.identifierSha256,
      destination_sha256: c.destinationSha256,
      channel: c.channel,
      code_hmac: c.codeHmac,
      attempts: 0,
      sent: c.sent ? 1 : 0,
      created_at: c.createdAt,
      expires_at: c.expiresAt,
      used_at: null,
    })
    .execute();
}

/** A portal sign-in challenge by the sha256 of its id, or undefined. */
export async function getChallenge(
  db: Kysely<Database>,
  idSha256: string,
): Promise<ChallengeRecord | undefined> {
  const row = await db
    .selectFrom('portal_challenges')
    .selectAll()
    .where('id_sha256', '=', idSha256)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    idSha256: row.id_sha256,
    customerId: row.customer_id,
    identifierSha256: row.identifier_sha256,
    destinationSha256: row.destination_sha256,
    channel: row.channel,
    codeHmac: row.code_hmac,
    attempts: Number(row.attempts),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

/**
 * Takes one attempt of a challenge, atomically: only while it is unused, unexpired and under
 * `max` attempts. False: the challenge is spent (two racing guesses can never both get the last one).
 */
export async function takeAttempt(
  db: Kysely<Database>,
  idSha256: string,
  max: number,
  nowIso: string,
): Promise<boolean> {
  const result = await db
    .updateTable('portal_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id_sha256', '=', idSha256)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .where('attempts', '<', max)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks a challenge used (compare-and-set): a code signs in once. */
export async function useChallenge(db: Kysely<Database>, idSha256: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('portal_challenges')
    .set({ used_at: nowIso })
    .where('id_sha256', '=', idSha256)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

type CountColumn = 'customer_id' | 'identifier_sha256' | 'destination_sha256';

/** Codes sent since `sinceIso` to this customer / address / identifier (indexed range counts). */
export async function countCodesSent(
  db: Kysely<Database>,
  column: CountColumn,
  value: string,
  sinceIso: string,
): Promise<number> {
  const row = await db
    .selectFrom('portal_challenges')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', value)
    .where('created_at', '>=', sinceIso)
    .where('sent', '=', 1)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Wrong codes since `sinceIso` for this customer or identifier: attempts taken minus the successes. */
export async function countFailures(
  db: Kysely<Database>,
  column: 'customer_id' | 'identifier_sha256',
  value: string,
  sinceIso: string,
): Promise<number> {
  const row = await db
    .selectFrom('portal_challenges')
    .select(
      sql<number>`coalesce(sum(attempts), 0) - coalesce(sum(case when used_at is null then 0 else 1 end), 0)`.as(
        'n',
      ),
    )
    .where(column, '=', value)
    .where('created_at', '>=', sinceIso)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Challenges older than `beforeIso` are of no use to anyone (limits look back less than that). */
export async function deleteOldChallenges(db: Kysely<Database>, beforeIso: string): Promise<void> {
  await db.deleteFrom('portal_challenges').where('created_at', '<', beforeIso).execute();
}

export interface PortalSessionRecord {
  customerId: string;
  csrfToken: string;
  expiresAt: string;
  /** The customer's preferred language (the portal speaks it unless the browser chose another). */
  locale: string;
  /** A session opened by a signed document link reads this communication only; undefined: a full session. */
  documentId: string | undefined;
}

/** Stores a customer's portal session (the token's sha256, never the token). */
export async function createPortalSession(
  db: Kysely<Database>,
  s: {
    tokenSha256: string;
    customerId: string;
    csrfToken: string;
    createdAt: string;
    expiresAt: string;
    /** A link session's one document (issue 20's signed e-mail links); omitted: a full session. */
    documentId?: string;
  },
): Promise<void> {
  await db
    .insertInto('portal_sessions')
    .values({
      token_sha256: s.tokenSha256,
      customer_id: s.customerId,
      csrf_token: s.csrfToken,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      document_id: s.documentId ?? null,
    })
    .execute();
}

/** The live session with this cookie hash, and its customer's language (a customer erased since: none). */
export async function findPortalSession(
  db: Kysely<Database>,
  tokenSha256: string,
  nowIso: string,
): Promise<PortalSessionRecord | undefined> {
  const row = await db
    .selectFrom('portal_sessions')
    .innerJoin('customers', 'customers.id', 'portal_sessions.customer_id')
    .select([
      'portal_sessions.customer_id',
      'portal_sessions.csrf_token',
      'portal_sessions.expires_at',
      'portal_sessions.document_id',
      'customers.locale',
    ])
    .where('portal_sessions.token_sha256', '=', tokenSha256)
    .where('portal_sessions.expires_at', '>', nowIso)
    .executeTakeFirst();
  return row
    ? {
        customerId: row.customer_id,
        csrfToken: row.csrf_token,
        expiresAt: row.expires_at,
        locale: row.locale,
        documentId: row.document_id ?? undefined,
      }
    : undefined;
}

/** Ends a portal session (sign-out). */
export async function deletePortalSession(db: Kysely<Database>, tokenSha256: string): Promise<void> {
  await db.deleteFrom('portal_sessions').where('token_sha256', '=', tokenSha256).execute();
}

/**
 * The customer signed out: every document link issued before `atIso` is closed, and the sessions
 * such links opened end too (a session signed in with a code ends by its own cookie).
 */
export async function closePortalLinks(
  db: Kysely<Database>,
  customerId: string,
  atIso: string,
): Promise<void> {
  await db
    .insertInto('portal_link_closures')
    .values({ customer_id: customerId, closed_at: atIso })
    .onConflict((oc) => oc.column('customer_id').doUpdateSet({ closed_at: atIso }))
    .execute();
  await db
    .deleteFrom('portal_sessions')
    .where('customer_id', '=', customerId)
    .where('document_id', 'is not', null)
    .execute();
}

/** When the customer last signed out of the portal (links issued before are closed), if ever. */
export async function portalLinksClosedAt(
  db: Kysely<Database>,
  customerId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('portal_link_closures')
    .select('closed_at')
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row?.closed_at;
}

/** Removes the portal sessions expired at `nowIso`. */
export async function deleteExpiredPortalSessions(db: Kysely<Database>, nowIso: string): Promise<void> {
  await db.deleteFrom('portal_sessions').where('expires_at', '<=', nowIso).execute();
}

/** Customers whose e-mail (case-insensitively) or phone is exactly this; at most two ids (ambiguity). */
export async function findCustomerIdsByContact(
  db: Kysely<Database>,
  kind: 'email' | 'phone',
  value: string,
): Promise<string[]> {
  const query =
    kind === 'email'
      ? db
          .selectFrom('customers')
          .select('id')
          .where((eb) => eb(eb.fn('lower', ['email']), '=', value))
      : db.selectFrom('customers').select('id').where('phone', '=', value);
  return (await query.limit(2).execute()).map((r) => r.id);
}

/** The customer's preferred language (self-service); `record_sha256` stays the imported record's. */
export async function setCustomerLocale(
  db: Kysely<Database>,
  customerId: string,
  locale: string,
): Promise<void> {
  await db
    .updateTable('customers')
    .set({ locale, updated_at: new Date().toISOString() })
    .where('id', '=', customerId)
    .execute();
}
