import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { MissiveError } from '../../core/errors.ts';
import { CHANNEL_KINDS } from '../../core/types.ts';
import { findOnDemandResult, type OnDemandService } from '../../on-demand/heavy.ts';
import { appendAudit, getOnDemandRequest } from '../../store/index.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { badRequest } from './decide.ts';

const tags = ['on-demand'];

/**
 * Requests per minute per client to POST /api/communications: a system sends events in bursts (a
 * failed direct-debit batch), above the API's general limit (MISSIVE_RATE_LIMIT, 600/min per client).
 */
export const ON_DEMAND_RATE_LIMIT = 6_000;

const body = z.strictObject({
  type: z.string().min(1).max(200),
  customerId: z.string().min(1).max(200),
  data: z.record(z.string(), z.unknown()).optional(),
  channel: z.enum(CHANNEL_KINDS).optional(),
  /** A letter template's editable sections (issue 19 item 3): the value per section id. */
  sections: z.record(z.string(), z.string().max(10_000)).optional(),
  /** The caller's key for this communication (a UUID, or its own event id): printable, at most 200. */
  idempotencyKey: z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
});

/**
 * The on-demand API for the organisation's systems (token-only `system` users; admins too):
 * POST /api/communications makes one communication now (src/on-demand/communicate.ts) and answers
 * once it is archived — 201 the first time, 200 with `Idempotent-Replayed: true` for the same key
 * again; GET /api/communications/by-key/:idempotencyKey finds it again later. The send and its
 * statuses follow through the status webhooks (routes/webhooks.ts).
 */
export function onDemandRoutes(app: FastifyInstance): void {
  const deps = app.onDemand;
  const config = { roles: ROUTE_ROLES.system };
  app.post(
    '/api/communications',
    {
      config: { ...config, rateLimit: { max: ON_DEMAND_RATE_LIMIT, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          'Make one communication now (decide, render, archive, dispatch); the same idempotencyKey returns the same one',
      },
    },
    async (request, reply) => {
      const service = deps.service;
      if (!service) {
        throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', 'this server makes no communications on demand');
      }
      const parsed = body.safeParse(request.body ?? {});
      if (!parsed.success) throw badRequest(parsed.error.issues);
      const principal = request.principal!;
      const result = await service.communicate(principal.user, parsed.data);
      if (result.created) {
        await appendAudit(deps.db, {
          actor: actorOf(principal),
          action: 'communication.on-demand',
          targetType: 'communication',
          targetId: result.communication.id,
          details: { type: parsed.data.type, customerId: parsed.data.customerId, ip: request.ip },
        });
      }
      return answer(reply, result, result.created ? 201 : 200);
    },
  );
  app.get<{ Params: { idempotencyKey: string } }>(
    '/api/communications/by-key/:idempotencyKey',
    {
      config,
      schema: {
        tags,
        summary: "An on-demand communication by the caller's idempotency key, with its status now",
        params: {
          type: 'object',
          required: ['idempotencyKey'],
          properties: { idempotencyKey: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const stored = await getOnDemandRequest(
        deps.db,
        request.principal!.user,
        request.params.idempotencyKey,
      );
      if (!stored?.communicationId) {
        throw new MissiveError('MSV_STORE_NOT_FOUND', 'no on-demand communication with this key', {
          field: 'idempotencyKey',
        });
      }
      return answer(reply, await findOnDemandResult(deps, stored, false), 200);
    },
  );
}

function answer(
  reply: FastifyReply,
  result: Awaited<ReturnType<OnDemandService['communicate']>>,
  status: number,
): FastifyReply {
  const c = result.communication;
  if (!result.created) reply.header('idempotent-replayed', 'true');
  return reply.status(status).send({
    communication: {
      id: c.id,
      runId: c.runId,
      customerId: c.customerId,
      type: result.run.communicationType,
      channel: c.channel,
      status: c.status,
      reason: c.reason,
      sha256: c.artifactSha256,
      size: c.artifactSize,
      pages: c.pages,
      asOf: result.run.asOf,
      templateVersion: c.templateVersionId,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    },
    idempotencyKey: result.request.idempotencyKey,
  });
}
