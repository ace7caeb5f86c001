import type { FastifyInstance } from 'fastify';
import { buildRunReport } from '../../../batch/index.ts';
import { MissiveError } from '../../../core/errors.ts';
import { documentsPerMinuteByChannel, getRun, listRunFailures, listRuns } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { latestPageLabels } from '../../lookup/page-labels.ts';
import { controlRun, isRunControlAction } from '../../routes/runs.ts';
import { idParam } from '../../routes/schemas.ts';
import { pageContext, sendPage } from '../layout.ts';
import { runReportPage, runsPage } from '../pages/run-report.ts';

/** Failures shown on the run page at most (the CSV of them all: `missive runs failures ID`). */
const FAILURES_SHOWN = 200;

const runParams = { type: 'object', required: ['runId'], properties: { runId: idParam } } as const;

/**
 * Runs and their reports: every role may look (agents too: did the statements go out?); pause,
 * resume, cancel and retry-failed are buttons for the roles of the JSON API's control routes
 * (marketer, admin), posted as forms with the session's CSRF token and handled — audited — by the
 * same code (src/api/routes/runs.ts `controlRun`).
 */
export function runPages(app: FastifyInstance): void {
  const deps = app.runs;
  const view = { config: { roles: ROUTE_ROLES.anyone }, schema: { hide: true } };
  app.get('/ui/runs', view, async (request, reply) => {
    const runs = await listRuns(deps.db);
    const labels = await latestPageLabels(deps.db, [...new Set(runs.map((r) => r.communicationType))]);
    return sendPage(reply, runsPage(pageContext(request), runs, labels));
  });
  app.get<{ Params: { runId: string }; Querystring: { stage?: string; code?: string; done?: string } }>(
    '/ui/runs/:runId',
    {
      ...view,
      schema: {
        hide: true,
        params: runParams,
        querystring: {
          type: 'object',
          properties: {
            stage: { type: 'string', maxLength: 40 },
            code: { type: 'string', maxLength: 80 },
            done: { type: 'string', maxLength: 20 },
          },
        },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const run = await getRun(deps.db, runId);
      if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${runId}`, { runId });
      const [report, throughput, all, labels] = await Promise.all([
        buildRunReport(deps.db, runId),
        documentsPerMinuteByChannel(deps.db, runId),
        listRunFailures(deps.db, runId),
        latestPageLabels(deps.db, [run.communicationType]),
      ]);
      const stage = request.query.stage || undefined;
      const code = request.query.code || undefined;
      const filtered = all.filter((f) => (!stage || f.stage === stage) && (!code || f.code === code));
      const done = request.query.done;
      return sendPage(
        reply,
        runReportPage(pageContext(request), {
          report,
          run,
          throughput,
          failures: {
            shown: filtered.slice(0, FAILURES_SHOWN),
            total: filtered.length,
            all: all.length,
            stages: [...new Set(all.map((f) => f.stage))].sort(),
            codes: [...new Set(all.map((f) => f.code))].sort(),
          },
          filter: { stage, code },
          done: done && isRunControlAction(done) ? done : undefined,
          labels,
        }),
      );
    },
  );
  app.post<{ Params: { runId: string; action: string } }>(
    '/ui/runs/:runId/:action',
    {
      config: { roles: ROUTE_ROLES.marketer },
      schema: {
        hide: true,
        params: {
          type: 'object',
          required: ['runId', 'action'],
          properties: {
            runId: idParam,
            action: { type: 'string', enum: ['pause', 'resume', 'cancel', 'retry-failed'] },
          },
        },
      },
    },
    async (request, reply) => {
      const { runId, action } = request.params;
      if (!isRunControlAction(action)) throw new MissiveError('MSV_API_NOT_FOUND', `no run action ${action}`);
      const run = await controlRun(deps, request, action, runId);
      return reply.redirect(`/ui/runs/${encodeURIComponent(run.id)}?done=${action}`, 303);
    },
  );
}
