import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MissiveError } from '../../core/errors.ts';
import { newWebhookSecret } from '../../on-demand/index.ts';
import {
  appendAudit,
  type DeliveryStatus,
  deactivateWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookAttempts,
  listWebhookDeliveries,
  listWebhookEndpoints,
} from '../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { badRequest } from './decide.ts';

const tags = ['on-demand'];

const endpointBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .refine((u) => !/[\r\n]/.test(u), 'no line breaks'),
  description: z.string().max(200).optional(),
});

/**
 * Where the status webhooks of on-demand communications go (admins only; every change audited):
 * register an endpoint (its signing secret is answered once), list them, stop one; and the delivery
 * log: each delivery with its attempts (time, HTTP status or error, duration).
 */
export function webhookEndpointRoutes(app: FastifyInstance): void {
  const deps = app.onDemand;
  const config = { roles: ROUTE_ROLES.admin };
  app.post(
    '/api/webhook-endpoints',
    { config, schema: { tags, summary: 'Register a status webhook endpoint; its secret is shown once' } },
    async (request, reply) => {
      const parsed = endpointBody.safeParse(request.body ?? {});
      if (!parsed.success) throw badRequest(parsed.error.issues);
      const endpoint = {
        id: `whe_${randomUUID().replaceAll('-', '')}`,
        url: parsed.data.url,
        secret: newWebhookSecret(),
        description: parsed.data.description ?? '',
        active: true,
        createdBy: actorOf(request.principal!),
        createdAt: deps.now().toISOString(),
      };
      await insertWebhookEndpoint(deps.db, endpoint);
      await appendAudit(deps.db, {
        actor: actorOf(request.principal!),
        action: 'webhook-endpoint.add',
        targetType: 'webhook-endpoint',
        targetId: endpoint.id,
        details: { ip: request.ip },
      });
      const { secret, ...shown } = endpoint;
      return reply.status(201).send({ endpoint: shown, secret });
    },
  );
  app.get(
    '/api/webhook-endpoints',
    { config, schema: { tags, summary: 'Status webhook endpoints (without their secrets)' } },
    async () => ({
      endpoints: (await listWebhookEndpoints(deps.db)).map(({ secret: _secret, ...e }) => e),
    }),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/webhook-endpoints/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Stop sending to an endpoint (its delivery log stays)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
      },
    },
    async (request) => {
      if (!(await deactivateWebhookEndpoint(deps.db, request.params.id))) {
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no webhook endpoint ${request.params.id}`, {
          field: 'id',
        });
      }
      await appendAudit(deps.db, {
        actor: actorOf(request.principal!),
        action: 'webhook-endpoint.stop',
        targetType: 'webhook-endpoint',
        targetId: request.params.id,
        details: { ip: request.ip },
      });
      return { stopped: request.params.id };
    },
  );
  app.get<{
    Querystring: { communicationId?: string; status?: DeliveryStatus; before?: number; limit?: number };
  }>(
    '/api/webhook-deliveries',
    {
      config,
      schema: {
        tags,
        summary: 'The status webhook delivery log, newest first: each delivery with its attempts',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            communicationId: { type: 'string', maxLength: 100 },
            status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
            before: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const deliveries = await listWebhookDeliveries(deps.db, {
        communicationId: q.communicationId,
        status: q.status,
        beforeId: q.before,
        limit: q.limit ?? 100,
      });
      const attempts = await listWebhookAttempts(
        deps.db,
        deliveries.map((d) => d.id),
      );
      return {
        deliveries: deliveries.map(({ payload, ...d }) => ({
          ...d,
          event: JSON.parse(payload) as unknown,
          attempts: attempts.get(d.id) ?? [],
        })),
      };
    },
  );
}
