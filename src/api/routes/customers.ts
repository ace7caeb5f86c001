import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import { appendAudit } from '../../store/audit.ts';
import { listCustomerAccounts, type SearchKind, searchCustomers } from '../../store/customer-search.ts';
import { getCustomer } from '../../store/customers.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { customerSummary, customerView } from '../lookup/customer-view.ts';
import { customerHoldings } from '../lookup/holdings.ts';
import { customerTimeline } from '../lookup/timeline.ts';
import type { RouteDeps } from './route-deps.ts';
import { customerParams } from './schemas.ts';

const tags = ['customers'];

/** The call center's lookup: search, one customer (masked), and their timeline. Agents and admins. */
export function registerCustomerRoutes(app: FastifyInstance, deps: RouteDeps): void {
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
    async (request) => {
      const { q, kind, limit } = request.query;
      const customers = await searchCustomers(deps.db, { q, kind, limit });
      return { customers: customers.map(customerSummary) };
    },
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
    async (request) => {
      const { customerId } = request.params;
      const customer = await getCustomer(deps.db, customerId);
      if (!customer)
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
      await appendAudit(deps.db, {
        actor: actorOf(request.principal!),
        action: 'customer.view',
        targetType: 'customer',
        targetId: customerId,
        details: { ip: request.ip },
      });
      return { customer: customerView(customer, await listCustomerAccounts(deps.db, customerId)) };
    },
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
    async (request) => {
      const { customerId } = request.params;
      if (!(await getCustomer(deps.db, customerId)))
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
      await appendAudit(deps.db, {
        actor: actorOf(request.principal!),
        action: 'customer.holdings',
        targetType: 'customer',
        targetId: customerId,
        details: { ip: request.ip },
      });
      return { holdings: await customerHoldings(deps.db, deps.datasourcesDir, customerId) };
    },
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
      const timeline = await customerTimeline(deps.db, customerId, { limit: request.query.limit });
      if (timeline.communications.length === 0 && !(await getCustomer(deps.db, customerId))) {
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
      }
      return { customerId, ...timeline };
    },
  );
}
