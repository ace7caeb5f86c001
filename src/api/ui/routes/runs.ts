import type { FastifyInstance } from 'fastify';
import { buildRunReport } from '../../../batch/run-report.ts';
import { listRuns } from '../../../store/runs.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import type { RouteDeps } from '../../routes/route-deps.ts';
import { pageContext, sendPage } from '../layout.ts';
import { runReportPage, runsPage } from '../pages/run-report.ts';

/** Runs and their reports, for marketers and admins. */
export function registerRunPages(app: FastifyInstance, deps: RouteDeps): void {
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  app.get('/ui/runs', options, async (request, reply) =>
    sendPage(reply, runsPage(pageContext(request), await listRuns(deps.db))),
  );
  app.get<{ Params: { runId: string } }>('/ui/runs/:runId', options, async (request, reply) =>
    sendPage(reply, runReportPage(pageContext(request), await buildRunReport(deps.db, request.params.runId))),
  );
}
