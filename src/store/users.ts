import type { Kysely, Selectable } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { nowIso } from './json.ts';
import type { Database, UsersTable } from './schema.ts';

/** The API's users, their browser sessions and their API tokens: secrets are stored only as hashes. */

/**
 * agent (call center), marketer (runs, studio), admin (everything), system (the organisation's own
 * systems calling the on-demand API with an API token: nothing else, and no password, no UI).
 */
export const ROLES = ['agent', 'marketer', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

export interface UserRecord {
  name: string;
  role: Role;
  /** scrypt hash (see api/auth/passwords.ts); null for a token-only account. */
  passwordHash: string | null;
  disabled: boolean;
  createdAt: string;
  /** The IANA zone the UI shows this user's times in; null: the default of the UI language. */
  timeZone: string | null;
}

/**
 * Creates a staff user.
 * @throws MissiveError MSV_AUTH_USER_EXISTS when the name is taken.
 */
export async function createUser(
  db: Kysely<Database>,
  user: { name: string; role: Role; passwordHash: string | null },
): Promise<UserRecord> {
  const result = await db
    .insertInto('users')
    .values({
      name: user.name,
      role: user.role,
      password_hash: user.passwordHash,
      disabled: 0,
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new MissiveError('MSV_AUTH_USER_EXISTS', `a user named ${user.name} already exists`, {
      field: 'name',
    });
  }
  return (await getUser(db, user.name))!;
}

/**
 * Sets a user's password hash.
 * @throws MissiveError MSV_STORE_NOT_FOUND when there is no such user.
 */
export async function setUserPassword(
  db: Kysely<Database>,
  name: string,
  passwordHash: string,
): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw userNotFound(name);
}

/** The user's UI time zone (an IANA name, checked by the caller), or null for the language's default. */
export async function setUserTimeZone(
  db: Kysely<Database>,
  name: string,
  timeZone: string | null,
): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ time_zone: timeZone })
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw userNotFound(name);
}

/** One staff user by name, or undefined. */
export async function getUser(db: Kysely<Database>, name: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? rowToUser(row) : undefined;
}

/** Every staff user, by name. */
export async function listUsers(db: Kysely<Database>): Promise<UserRecord[]> {
  return (await db.selectFrom('users').selectAll().orderBy('name').execute()).map(rowToUser);
}

/** Stores a staff session (the token's sha256 and the CSRF token). */
export async function createSession(
  db: Kysely<Database>,
  session: { tokenSha256: string; userName: string; csrfToken: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_sha256: session.tokenSha256,
      user_name: session.userName,
      csrf_token: session.csrfToken,
      created_at: nowIso(),
      expires_at: session.expiresAt,
    })
    .execute();
}

/** The live session's user and CSRF token; an expired session or a disabled user is no session. */
export async function findSession(
  db: Kysely<Database>,
  tokenSha256: string,
  now: string,
): Promise<{ user: UserRecord; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.name', 'sessions.user_name')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.token_sha256', '=', tokenSha256)
    .executeTakeFirst();
  if (!row || row.expires_at <= now || Number(row.disabled) === 1) return undefined;
  return { user: rowToUser(row), csrfToken: row.csrf_token };
}

/** Ends a staff session (sign-out). */
export async function deleteSession(db: Kysely<Database>, tokenSha256: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_sha256', '=', tokenSha256).execute();
}

/** Removes the staff sessions expired at `now`; returns how many. */
export async function deleteExpiredSessions(db: Kysely<Database>, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Stores an API token (its sha256) for a user.
 * @throws MissiveError MSV_STORE_NOT_FOUND when there is no such user.
 */
export async function createApiToken(
  db: Kysely<Database>,
  token: { tokenSha256: string; userName: string; label: string },
): Promise<void> {
  if (!(await getUser(db, token.userName))) throw userNotFound(token.userName);
  await db
    .insertInto('api_tokens')
    .values({
      token_sha256: token.tokenSha256,
      user_name: token.userName,
      label: token.label,
      created_at: nowIso(),
    })
    .execute();
}

/** The enabled user an API token (by sha256) belongs to, or undefined. */
export async function findApiTokenUser(
  db: Kysely<Database>,
  tokenSha256: string,
): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.name', 'api_tokens.user_name')
    .selectAll('users')
    .where('api_tokens.token_sha256', '=', tokenSha256)
    .executeTakeFirst();
  if (!row || Number(row.disabled) === 1) return undefined;
  return rowToUser(row);
}

function rowToUser(row: Selectable<UsersTable>): UserRecord {
  return {
    name: row.name,
    role: row.role as Role,
    passwordHash: row.password_hash,
    disabled: Number(row.disabled) === 1,
    createdAt: row.created_at,
    timeZone: row.time_zone ?? null,
  };
}

function userNotFound(name: string): MissiveError {
  return new MissiveError('MSV_STORE_NOT_FOUND', `no user named ${name}`, { field: 'name' });
}
