import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { appendAudit, getUser, setUserTimeZone } from '../../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../../auth/principal.ts';
import { pageContext, sendPage } from '../layout.ts';
import { settingsPage } from '../pages/settings.ts';
import { isTimeZone } from '../time.ts';

/** `/ui/settings`: every signed-in user chooses the zone their times are shown in (issue 18 item 6). */
export function settingsPages(app: FastifyInstance): void {
  const deps = app.staff;
  const config = { roles: ROUTE_ROLES.anyone };
  app.get<{ Querystring: { saved?: string } }>(
    '/ui/settings',
    { config, schema: { hide: true } },
    async (request, reply) => {
      const user = await getUser(deps.db, request.principal!.user);
      return sendPage(
        reply,
        settingsPage(pageContext(request), user?.timeZone ?? null, request.query.saved === '1'),
      );
    },
  );
  app.post<{ Body: { timeZone?: string } }>(
    '/ui/settings',
    { config, schema: { hide: true } },
    async (request, reply) => {
      const zone = request.body?.timeZone ?? '';
      if (zone !== '' && !isTimeZone(zone))
        throw new MissiveError('MSV_API_BAD_REQUEST', 'timeZone: not a time zone (e.g. Asia/Shanghai)', {
          field: 'timeZone',
        });
      const principal = request.principal!;
      await setUserTimeZone(deps.db, principal.user, zone === '' ? null : zone);
      await appendAudit(deps.db, {
        actor: actorOf(principal),
        action: 'user.settings',
        targetType: 'user',
        targetId: principal.user,
        details: { timeZone: zone === '' ? null : zone, ip: request.ip },
      });
      return reply.redirect('/ui/settings?saved=1', 303);
    },
  );
}
