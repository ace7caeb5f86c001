import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { campaignReport, DISPOSITIONS, recordDisposition, type SuccessRules } from '../../feedback/index.ts';
import { loadModel, loadPublishedCatalog } from '../../rules/index.ts';
import type { Database } from '../../store/index.ts';
import { badRequest } from './decide.ts';

export interface FeedbackRouteDeps {
  db: Kysely<Database>;
  successRules: SuccessRules;
  now: () => Date;
  /** Route config per route, e.g. `{ roles: ROUTE_ROLES.agent }` / `{ roles: ROUTE_ROLES.marketer }`. */
  config?: { dispositions?: FastifyContextConfig; reports?: FastifyContextConfig };
}

const disposition = z.strictObject({
  /** The call center's own id for this disposition: a retried POST records it once. */
  id: z.string().min(1).max(200),
  customerId: z.string().min(1),
  disposition: z.enum(DISPOSITIONS),
  communicationId: z.string().min(1).optional(),
  offerId: z.string().min(1).optional(),
  agent: z.string().min(1).max(200).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Staff routes (register them behind the API's authentication):
 * - POST /api/feedback/dispositions — a call-center outcome (not-interested suppresses the offer,
 *   wrong-address marks the address unreliable…); 201 when recorded, 200 when already known.
 * - GET /api/reports/campaign/:run — the model validation report of a run (JSON, for the UI charts).
 */
export function registerFeedbackRoutes(app: FastifyInstance, deps: FeedbackRouteDeps): void {
  app.post(
    '/api/feedback/dispositions',
    { config: deps.config?.dispositions ?? {} },
    async (request, reply) => {
      const parsed = disposition.safeParse(request.body ?? {});
      if (!parsed.success) throw badRequest(parsed.error.issues);
      const d = parsed.data;
      const result = await recordDisposition(
        deps.db,
        {
          sourceId: d.id,
          customerId: d.customerId,
          disposition: d.disposition,
          communicationId: d.communicationId ?? null,
          offerId: d.offerId ?? null,
          ...(d.agent ? { agent: d.agent } : {}),
          at: d.at ?? deps.now().toISOString(),
        },
        deps.successRules,
      );
      return reply.code(result.recorded ? 201 : 200).send(result);
    },
  );

  app.get<{ Params: { run: string }; Querystring: { catalog?: string } }>(
    '/api/reports/campaign/:run',
    { config: deps.config?.reports ?? {} },
    async (request) => {
      const catalog = await loadPublishedCatalog(deps.db, request.query.catalog);
      return campaignReport(deps.db, request.params.run, catalog, await loadModel(deps.db));
    },
  );
}
