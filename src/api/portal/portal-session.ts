import { hkdfSync } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import {
  createPortalSession,
  type Database,
  deleteExpiredPortalSessions,
  deletePortalSession,
} from '../../store/index.ts';
import { newSecret, secretHash } from '../auth/secrets.ts';

/**
 * Customer sessions, apart from staff sessions in every way: their own cookie (scoped to /portal, so
 * the browser never sends it to /api or /ui), their own table, a shorter life. HttpOnly,
 * SameSite=Strict, Secure over https (or always, with cookieSecure `on`).
 */
export const PORTAL_SESSION_COOKIE = 'missive_portal';
/** The challenge of a sign-in in progress (only between "send me a code" and the code). */
export const PORTAL_CHALLENGE_COOKIE = 'missive_portal_challenge';
/** The double-submit CSRF token of the sign-in forms (before there is a session). */
export const PORTAL_FLOW_COOKIE = 'missive_portal_flow';
export const PORTAL_PATH = '/portal';

export type CookieSecure = 'on' | 'off' | 'auto';

export function cookieOptions(request: FastifyRequest, secure: CookieSecure, path = PORTAL_PATH) {
  return {
    path,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: secure === 'on' || (secure === 'auto' && request.protocol === 'https'),
  };
}

export async function startPortalSession(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    customerId: string;
    minutes: number;
    now: Date;
    secure: CookieSecure;
    /** A link session: this one document only (a signed e-mail link); omitted: signed in with a code. */
    documentId?: string;
  },
): Promise<void> {
  const secret = newSecret();
  const expires = new Date(options.now.getTime() + options.minutes * 60_000);
  await deleteExpiredPortalSessions(db, options.now.toISOString());
  await createPortalSession(db, {
    tokenSha256: secretHash(secret),
    customerId: options.customerId,
    csrfToken: newSecret(),
    createdAt: options.now.toISOString(),
    expiresAt: expires.toISOString(),
    ...(options.documentId ? { documentId: options.documentId } : {}),
  });
  reply.setCookie(PORTAL_SESSION_COOKIE, secret, { ...cookieOptions(request, options.secure), expires });
}

export async function endPortalSession(
  db: Kysely<Database>,
  reply: FastifyReply,
  sessionHash: string | undefined,
): Promise<void> {
  if (sessionHash) await deletePortalSession(db, sessionHash);
  reply.clearCookie(PORTAL_SESSION_COOKIE, { path: PORTAL_PATH });
}

/**
 * The portal's HMAC key (codes, identifiers), derived from a server secret with HKDF-SHA256 so the
 * secret itself is never used for two purposes. `missive serve` derives it from the tracking key.
 */
export function derivePortalKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'missive', 'missive portal sign-in codes v1', 32));
}
