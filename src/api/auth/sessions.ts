import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import {
  createSession,
  type Database,
  deleteExpiredSessions,
  deleteSession,
  getUser,
  type UserRecord,
} from '../../store/index.ts';
import { SESSION_COOKIE } from '../plugins/auth.ts';
import { verifyPassword } from './passwords.ts';
import { newSecret, secretHash } from './secrets.ts';

export interface SessionOptions {
  ttlMinutes: number;
  /** `on`: always Secure; `off`: never; `auto`: when the request came over https. */
  cookieSecure: 'on' | 'off' | 'auto';
}

/** The user whose password this is, or undefined (unknown user, wrong password, disabled, token-only). */
export async function checkCredentials(
  db: Kysely<Database>,
  name: string,
  password: string,
): Promise<UserRecord | undefined> {
  const user = await getUser(db, name);
  const ok = await verifyPassword(password, user?.passwordHash);
  return ok && user && !user.disabled ? user : undefined;
}

/**
 * A server-side session: the cookie holds 256 random bits, the table only their sha256, the
 * user, a CSRF token and the expiry. HttpOnly, SameSite=Strict, Secure over https.
 */
export async function startSession(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRecord,
  options: SessionOptions & { now: Date },
): Promise<void> {
  const secret = newSecret();
  const expires = new Date(options.now.getTime() + options.ttlMinutes * 60_000);
  await deleteExpiredSessions(db, options.now.toISOString());
  await createSession(db, {
    tokenSha256: secretHash(secret),
    userName: user.name,
    csrfToken: newSecret(),
    expiresAt: expires.toISOString(),
  });
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure:
      options.cookieSecure === 'on' || (options.cookieSecure === 'auto' && request.protocol === 'https'),
    expires,
  });
}

export async function endSession(
  db: Kysely<Database>,
  reply: FastifyReply,
  sessionHash: string | undefined,
): Promise<void> {
  if (sessionHash) await deleteSession(db, sessionHash);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
