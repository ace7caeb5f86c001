import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ALL_CUSTOMERS,
  assertSegmentKnown,
  buildRunReport,
  cancelRun,
  claimRunPeriod,
  parseSourceKey,
  pauseRun,
  resolveRun,
  resumeRun,
  retryFailed,
  runIdFor,
  sourceKeyFor,
} from '../../batch/index.ts';
import { parseAsOf } from '../../core/as-of.ts';
import { MissiveError } from '../../core/errors.ts';
import type { RunStatus } from '../../core/types.ts';
import {
  appendAudit,
  countCommunicationsByStatus,
  countRunByChannel,
  getRun,
  listRunFailures,
  listRuns,
  type Role,
  type RunRecord,
} from '../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { idParam } from './schemas.ts';

/** The runs area's context (its `runs` decorator, areas/runs.ts). */
type RunsContext = FastifyInstance['runs'];

const tags = ['runs'];

/** Runs, newest first, and one run with its ledger counts and failures. Marketers and admins. */
export function runRoutes(app: FastifyInstance): void {
  const deps = app.runs;
  const config = { roles: ROUTE_ROLES.marketer };
  app.get<{ Querystring: { status?: RunStatus; limit?: number } }>(
    '/api/runs',
    {
      config,
      schema: {
        tags,
        summary: 'Runs, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: {
              type: 'string',
              enum: ['planning', 'running', 'completed', 'failed', 'cancelled', 'paused'],
            },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => ({ runs: await listRuns(deps.db, request.query) }),
  );
  app.get<{ Params: { runId: string } }>(
    '/api/runs/:runId',
    {
      config,
      schema: {
        tags,
        summary: 'A run with its ledger counts by status and its failures',
        params: { type: 'object', required: ['runId'], properties: { runId: idParam } },
      },
    },
    async (request) => {
      const run = await getRun(deps.db, request.params.runId);
      if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${request.params.runId}`);
      const [counts, failures, byChannel] = await Promise.all([
        countCommunicationsByStatus(deps.db, run.id),
        listRunFailures(deps.db, run.id),
        countRunByChannel(deps.db, run.id),
      ]);
      const done = Object.values(counts).reduce((a, b) => a + b, 0);
      return {
        run,
        counts,
        byChannel,
        progress: { customers: run.customersTotal, ledgerRows: done },
        failures,
      };
    },
  );
  app.get<{ Params: { runId: string } }>(
    '/api/runs/:runId/report',
    {
      config,
      schema: {
        tags,
        summary: 'The run report: counts per channel and status, reconciliation, offers, print, throughput',
        params: runParams,
      },
    },
    async (request) => buildRunReport(deps.db, request.params.runId),
  );
  registerRunControlRoutes(app, deps, config);
}

const runParams = { type: 'object', required: ['runId'], properties: { runId: idParam } } as const;

/**
 * Creating and controlling runs. The API touches the store only: a created (or resumed, or retried)
 * run waits in `planning` until a `missive worker` process plans and processes it; pause and cancel
 * are seen by the workers between customers (src/batch/run-control.ts).
 */
function registerRunControlRoutes(
  app: FastifyInstance,
  deps: RunsContext,
  config: { roles: readonly Role[] },
): void {
  app.post<{
    Body: { type: string; asOf?: string; templateVersion?: string; source?: string; supersede?: string };
  }>(
    '/api/runs',
    {
      config,
      schema: {
        tags,
        summary: 'Create a run (or find the same run again); `missive worker` processes it',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description:
                'a communication type of the published catalog (it names its template), or a service document without a catalog entry (e.g. monthly-statement)',
            },
            asOf: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
            templateVersion: { type: 'string', minLength: 1, maxLength: 200 },
            source: {
              type: 'string',
              pattern: '^(store:all|segment:[A-Za-z0-9_.-]{1,100})$',
              description: 'store:all (default) or segment:<name of a segment in the published catalog>',
            },
            supersede: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description:
                'the id of the earlier run of the same type and as-of this run replaces (kept, marked superseded); without it a second run for a period is refused with 409 MSV_RUN_PERIOD_TAKEN',
            },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { templateVersion: version } = await resolveRun(deps.db, body.type, {
        templateVersion: body.templateVersion,
      });
      const source = parseSourceKey(body.source ?? ALL_CUSTOMERS);
      if (source.kind === 'segment') await assertSegmentKnown(deps.db, source.name);
      const runRequest = {
        communicationType: body.type,
        templateVersionId: version.id,
        asOf: parseAsOf(body.asOf),
        source: await sourceKeyFor(source),
      };
      const { run, created, superseded } = await claimRunPeriod(
        deps.db,
        { id: runIdFor(runRequest), ...runRequest },
        body.supersede,
      );
      await audit(deps, request, 'run.create', run.id, {
        created,
        templateVersionId: version.id,
        ...(superseded ? { supersedes: superseded.id } : {}),
      });
      return reply.code(created ? 201 : 200).send({ runId: run.id, created, run });
    },
  );
  for (const action of Object.keys(RUN_ACTIONS) as RunControlAction[]) {
    app.post<{ Params: { runId: string } }>(
      `/api/runs/:runId/${action}`,
      { config, schema: { tags, summary: `${action} a run`, params: runParams } },
      async (request) => ({ run: await controlRun(deps, request, action, request.params.runId) }),
    );
  }
}

/** Pause, resume, cancel and retry-failed: the store only (src/batch/run-control.ts). */
const RUN_ACTIONS = {
  pause: pauseRun,
  resume: resumeRun,
  cancel: cancelRun,
  'retry-failed': async (db: RunsContext['db'], id: string) => (await retryFailed(db, id)).run,
} as const;

export type RunControlAction = keyof typeof RUN_ACTIONS;

export function isRunControlAction(value: string): value is RunControlAction {
  return Object.hasOwn(RUN_ACTIONS, value);
}

/**
 * Steers a run and writes who did it to the audit log (`run.pause`…): the JSON API's routes and the
 * run page's buttons (src/api/ui/routes/runs.ts). MSV_RUN_STATE when the run's status does not allow it.
 */
export async function controlRun(
  deps: RunsContext,
  request: FastifyRequest,
  action: RunControlAction,
  runId: string,
): Promise<RunRecord> {
  const run = await RUN_ACTIONS[action](deps.db, runId);
  await audit(deps, request, `run.${action}`, run.id, { status: run.status });
  return run;
}

/** Who created or steered which run, in the audit log. */
async function audit(
  deps: RunsContext,
  request: FastifyRequest,
  action: string,
  runId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await appendAudit(deps.db, {
    actor: actorOf(request.principal!),
    action,
    targetType: 'run',
    targetId: runId,
    details: { ...details, ip: request.ip },
  });
}
