import type { FastifyInstance } from 'fastify';
import { campaignReport } from '../../../feedback/index.ts';
import { loadModel, loadPublishedCatalog } from '../../../rules/index.ts';
import { listRuns } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { pageContext, sendPage } from '../layout.ts';
import { campaignReportPage, reportsPage } from '../pages/reports.ts';

/** Campaign reports for marketers: the runs, and each run's model validation report with charts. */
export function reportPages(app: FastifyInstance): void {
  const deps = app.feedback;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  app.get('/ui/reports', options, async (request, reply) =>
    sendPage(reply, reportsPage(pageContext(request), await listRuns(deps.db, { limit: 100 }))),
  );
  app.get<{ Params: { run: string } }>('/ui/reports/campaign/:run', options, async (request, reply) => {
    const catalog = await loadPublishedCatalog(deps.db);
    const report = await campaignReport(deps.db, request.params.run, catalog, await loadModel(deps.db));
    return sendPage(reply, campaignReportPage(pageContext(request), report));
  });
}
