import type { FastifyInstance } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { listUsers, ROLES, type Role } from '../../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../../auth/principal.ts';
import { addUserAsAdmin } from '../../lookup/users.ts';
import { readAuditLog } from '../../routes/audit.ts';
import { pageContext, sendPage } from '../layout.ts';
import { auditPage, usersPage } from '../pages/admin.ts';

/** Administration pages: users and the audit log (admins only; reading the log is audited). */
export function adminPages(app: FastifyInstance): void {
  const deps = app.staff;
  const options = { config: { roles: ROUTE_ROLES.admin }, schema: { hide: true } };
  app.get('/ui/admin/users', options, async (request, reply) =>
    sendPage(reply, usersPage(pageContext(request), await listUsers(deps.db))),
  );
  app.post<{ Body: { name?: string; role?: string; password?: string } }>(
    '/ui/admin/users',
    options,
    async (request, reply) => {
      const body = request.body ?? {};
      const role = (ROLES as readonly string[]).includes(body.role ?? '') ? (body.role as Role) : undefined;
      try {
        if (!role) {
          throw new MissiveError('MSV_API_BAD_REQUEST', 'role: choose agent, marketer or admin', {
            field: 'role',
          });
        }
        await addUserAsAdmin(
          deps.db,
          { name: body.name ?? '', role, password: body.password ?? '' },
          { actor: actorOf(request.principal!), ip: request.ip },
        );
        return reply.redirect('/ui/admin/users', 303);
      } catch (err) {
        const message = isMissiveError(err) || err instanceof Error ? err.message : String(err);
        return sendPage(reply, usersPage(pageContext(request), await listUsers(deps.db), message), 400);
      }
    },
  );
  app.get('/ui/admin/audit', options, async (request, reply) => {
    const entries = await readAuditLog(deps, actorOf(request.principal!), request.ip, { limit: 200 });
    return sendPage(reply, auditPage(pageContext(request), entries));
  });
}
