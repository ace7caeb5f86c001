import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SearchKind } from '../../store/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';
import type { CustomerViewer } from '../lookup/customer-access.ts';
import { customerParams } from '../lookup/schemas.ts';

const tags = ['customers'];

/**
 * The call center's lookup as JSON: search, one customer (masked), holdings and their timeline.
 * Agents and admins. Registered by the lookup plugin, whose `app.lookup` does the work (and audits).
 */
export function customerRoutes(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };

  app.get<{ Querystring: { q: string; kind?: SearchKind; limit?: number } }>(
    '/api/customers',
    {
      config,
      schema: {
        tags,
        summary: 'Search customers by id, name (prefix), phone, e-mail or account number; results masked',
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 200 },
            kind: { type: 'string', enum: ['any', 'id', 'name', 'phone', 'email', 'account'] },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        },
      },
    },
    async (request) => ({ customers: await app.lookup.search(request.query) }),
  );

  app.get<{ Params: { customerId: string } }>(
    '/api/customers/:customerId',
    {
      config,
      schema: {
        tags,
        summary: 'One customer: key traits, consent, masked contact points',
        params: customerParams,
      },
    },
    async (request) => ({
      customer: await app.lookup.customer(viewer(request), request.params.customerId),
    }),
  );

  app.get<{ Params: { customerId: string } }>(
    '/api/customers/:customerId/holdings',
    {
      config,
      schema: {
        tags,
        summary:
          'What the customer holds from the latest loaded feeds: accounts, subscriptions, policies (one group per data source and feed)',
        params: customerParams,
      },
    },
    async (request) => ({
      holdings: await app.lookup.holdings(viewer(request), request.params.customerId),
    }),
  );

  app.get<{ Params: { customerId: string }; Querystring: { limit?: number } }>(
    '/api/customers/:customerId/communications',
    {
      config,
      schema: {
        tags,
        summary: "The customer's timeline: every communication across channels and runs, and every event",
        params: customerParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 200 } },
        },
      },
    },
    async (request) => {
      const { customerId } = request.params;
      return { customerId, ...(await app.lookup.timeline(customerId, request.query.limit)) };
    },
  );
}

/** The JSON API's views are audited without a `via` (the agent's pages say `ui`). */
function viewer(request: FastifyRequest): CustomerViewer {
  return { principal: request.principal!, ip: request.ip };
}
