import type { Role } from '../../store/index.ts';

/** Who is calling: a user signed in through a session cookie, or a system with an API token. */
export interface Principal {
  user: string;
  role: Role;
  via: 'session' | 'token';
  /** The session's CSRF token (session principals only). */
  csrfToken?: string;
  /** sha256 of the session secret, to sign out. */
  sessionHash?: string;
  /** The IANA zone the user chose for times in the UI; unset: the UI language's default (ui/time.ts). */
  timeZone?: string;
}

/** Which roles may use a route. `admin` may do everything; agent and marketer work apart. */
export const ROUTE_ROLES = {
  agent: ['agent', 'admin'],
  marketer: ['marketer', 'admin'],
  admin: ['admin'],
  /** The on-demand API: the organisation's systems (token-only `system` users) and admins. */
  system: ['system', 'admin'],
  anyone: ['agent', 'marketer', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

/** The audit log's actor for a principal. */
export function actorOf(principal: Principal): string {
  return `${principal.via === 'token' ? 'token' : 'user'}:${principal.user}`;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The roles that may call the route; every route outside the public prefixes must say. */
    roles?: readonly Role[];
    /** Reachable without a session or token (health, sign-in, assets); webhooks sign their own. */
    public?: boolean;
  }
}
