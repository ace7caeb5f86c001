import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import { InvariantError } from '../../core/invariant.ts';
import { type Database, findApiTokenUser, findSession } from '../../store/index.ts';
import type { Principal } from '../auth/principal.ts';
import { secretHash } from '../auth/secrets.ts';
import { pathOf } from './errors.ts';

export const SESSION_COOKIE = 'missive_session';

/**
 * Paths that verify their own signatures (webhooks, tracked links) or show nothing private
 * (the OpenAPI description). Everything else needs a session or an API token.
 */
export const PUBLIC_PREFIXES = ['/webhooks/', '/t/', '/docs'];

export function isPublicPath(url: string): boolean {
  const path = pathOf(url);
  return PUBLIC_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p));
}

/** Browser pages get a redirect to the sign-in page; API calls get a 401 JSON error. */
function isApiPath(url: string): boolean {
  const path = pathOf(url);
  return path.startsWith('/api/') || path === '/api' || path === '/metrics';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and role checks for every route:
 * - `onRoute` refuses to register a route outside the public prefixes that declares neither
 *   `config.roles` nor `config.public` — a forgotten check fails at start-up, not in production;
 * - `onRequest` finds the principal (Bearer token, else session cookie) and checks the route's roles;
 * - `preValidation` requires the session's CSRF token (`x-csrf-token` header or `_csrf` form field)
 *   on every state-changing request that authenticated with the cookie.
 */
export function installAuth(app: FastifyInstance, deps: { db: Kysely<Database>; now: () => Date }): void {
  app.register(authHooks(deps));
}

function authHooks(deps: { db: Kysely<Database>; now: () => Date }) {
  const plugin = async (app: FastifyInstance) => {
    addAuthHooks(app, deps);
  };
  // Registered as a plugin so its hooks run after @fastify/cookie's (which parses the cookie);
  // skip-override (what fastify-plugin sets) makes them apply to the whole app, not a child scope.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}

function addAuthHooks(app: FastifyInstance, deps: { db: Kysely<Database>; now: () => Date }): void {
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { roles?: unknown; public?: boolean };
    if (isPublicPath(route.url) || config.public === true || Array.isArray(config.roles)) return;
    // Every route says who may use it; one that does not is a bug in its registration.
    throw new InvariantError(
      `route ${String(route.method)} ${route.url} declares no roles (config.roles) and is not public`,
    );
  });

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config ?? {};
    if (config.public === true || isPublicPath(request.url)) return;
    const principal = await findPrincipal(deps, request);
    if (!principal) return refuse(request, reply);
    request.principal = principal;
    const roles = config.roles;
    if (roles && !roles.includes(principal.role)) {
      throw new MissiveError('MSV_AUTH_FORBIDDEN', `role ${principal.role} may not use this route`, {
        role: principal.role,
      });
    }
  });

  app.addHook('preValidation', async (request) => {
    const principal = request.principal;
    if (principal?.via !== 'session' || SAFE_METHODS.has(request.method)) return;
    const header = request.headers['x-csrf-token'];
    const field = (request.body as { _csrf?: unknown } | undefined)?._csrf;
    const given = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined;
    if (given === undefined || given !== principal.csrfToken) {
      throw new MissiveError('MSV_AUTH_CSRF', 'this request needs the CSRF token of the session');
    }
  });
}

async function findPrincipal(
  deps: { db: Kysely<Database>; now: () => Date },
  request: FastifyRequest,
): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return undefined;
    const user = await findApiTokenUser(deps.db, secretHash(match[1]));
    return user ? { user: user.name, role: user.role, via: 'token' } : undefined;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return undefined;
  const sessionHash = secretHash(cookie);
  const session = await findSession(deps.db, sessionHash, deps.now().toISOString());
  if (!session) return undefined;
  return {
    user: session.user.name,
    role: session.user.role,
    via: 'session',
    csrfToken: session.csrfToken,
    sessionHash,
    ...(session.user.timeZone ? { timeZone: session.user.timeZone } : {}),
  };
}

function refuse(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (!isApiPath(request.url) && SAFE_METHODS.has(request.method)) {
    const next = pathOf(request.url);
    return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  }
  throw new MissiveError('MSV_AUTH_REQUIRED', 'sign in, or send an API token as Authorization: Bearer');
}
