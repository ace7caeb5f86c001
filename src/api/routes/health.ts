import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import { pingStore } from '../../store/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';

const tags = ['operations'];

/** Liveness (the process answers), readiness (the store answers), and who am I. */
export function healthRoutes(app: FastifyInstance): void {
  const deps = app.staff;
  app.get('/healthz', { config: { public: true }, schema: { tags, summary: 'Liveness' } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags, summary: 'Readiness: the store is reachable' } },
    async () => {
      try {
        await pingStore(deps.db);
      } catch (cause) {
        throw new MissiveError('MSV_STORE_UNAVAILABLE', 'the store does not answer', {}, { cause });
      }
      return { status: 'ready' };
    },
  );
  app.get(
    '/api/me',
    {
      config: { roles: ROUTE_ROLES.anyone },
      schema: { tags, summary: 'The caller: user, role, and how they signed in' },
    },
    async (request) => {
      const p = request.principal!;
      return { user: p.user, role: p.role, via: p.via, ...(p.csrfToken ? { csrfToken: p.csrfToken } : {}) };
    },
  );
}
