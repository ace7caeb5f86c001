import type { FastifyInstance } from 'fastify';
import { campaignReport } from '../../../feedback/index.ts';
import { loadModel, loadPublishedCatalog } from '../../../rules/index.ts';
import { listRuns } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { latestPageLabels } from '../../lookup/page-labels.ts';
import { pageContext, sendPage } from '../layout.ts';
import { campaignReportPage, reportsPage } from '../pages/reports.ts';

/** Campaign reports for marketers: the runs, and each run's model validation report with charts. */
export function reportPages(app: FastifyInstance): void {
  const deps = app.feedback;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  app.get('/ui/reports', options, async (request, reply) => {
    const runs = await listRuns(deps.db, { limit: 100 });
    const labels = await latestPageLabels(deps.db, [...new Set(runs.map((r) => r.communicationType))]);
    return sendPage(reply, reportsPage(pageContext(request), runs, labels));
  });
  app.get<{ Params: { run: string } }>('/ui/reports/campaign/:run', options, async (request, reply) => {
    const catalog = await loadPublishedCatalog(deps.db);
    const report = await campaignReport(deps.db, request.params.run, catalog, await loadModel(deps.db));
    const labels = await latestPageLabels(deps.db, [report.communicationType]);
    return sendPage(reply, campaignReportPage(pageContext(request), report, labels));
  });
}
