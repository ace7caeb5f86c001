import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import {
  appendAudit,
  createApiToken,
  createUser,
  type Database,
  getUser,
  type Role,
  type UserRecord,
} from '../../store/index.ts';
import { hashPassword } from '../auth/passwords.ts';
import { API_TOKEN_PREFIX, newSecret, secretHash } from '../auth/secrets.ts';

/** Staff user names: letters, digits, dot, dash, underscore, @ — no spaces, no control characters. */
const USER_NAME = /^[A-Za-z0-9._@-]{2,64}$/;
export const MIN_PASSWORD_LENGTH = 12;

/** Adds a user; the password (if any) is stored as an scrypt hash. Used by the CLI and POST /api/users. */
export async function addUser(
  db: Kysely<Database>,
  input: { name: string; role: Role; password?: string | undefined },
): Promise<UserRecord> {
  if (!USER_NAME.test(input.name)) {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'name: 2–64 letters, digits, or . _ @ -', {
      field: 'name',
    });
  }
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new MissiveError('MSV_API_BAD_REQUEST', `password: at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
    });
  }
  if (input.role === 'system' && input.password !== undefined) {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'password: a system user signs in with API tokens only', {
      field: 'password',
    });
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return createUser(db, { name: input.name, role: input.role, passwordHash });
}

/**
 * An admin adds a user (POST /api/users or the users page): addUser, then the audit row
 * `user.add` with the role and the admin's address. Errors as addUser's (MSV_API_BAD_REQUEST…).
 */
export async function addUserAsAdmin(
  db: Kysely<Database>,
  input: { name: string; role: Role; password?: string | undefined },
  by: { actor: string; ip: string },
): Promise<UserRecord> {
  const user = await addUser(db, input);
  await appendAudit(db, {
    actor: by.actor,
    action: 'user.add',
    targetType: 'user',
    targetId: user.name,
    details: { role: user.role, ip: by.ip },
  });
  return user;
}

/** A new API token for the user: returned once, only its sha256 is stored. */
export async function issueApiToken(db: Kysely<Database>, userName: string, label = 'api'): Promise<string> {
  if (!(await getUser(db, userName))) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no user named ${userName}`, { field: 'name' });
  }
  const token = newSecret(API_TOKEN_PREFIX);
  await createApiToken(db, { tokenSha256: secretHash(token), userName, label });
  return token;
}
