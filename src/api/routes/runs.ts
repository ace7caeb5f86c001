import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import type { RunStatus } from '../../core/types.ts';
import { countCommunicationsByStatus, listRunFailures } from '../../store/communications.ts';
import { getRun, listRuns } from '../../store/runs.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';
import type { RouteDeps } from './route-deps.ts';
import { idParam } from './schemas.ts';

const tags = ['runs'];

/** Runs, newest first, and one run with its ledger counts and failures. Marketers and admins. */
export function registerRunRoutes(app: FastifyInstance, deps: RouteDeps): void {
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
      const [counts, failures] = await Promise.all([
        countCommunicationsByStatus(deps.db, run.id),
        listRunFailures(deps.db, run.id),
      ]);
      return { run, counts, failures };
    },
  );
}
