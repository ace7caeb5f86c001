import type { FastifyInstance } from 'fastify';
import type { CorrectionResult } from '../../on-demand/heavy.ts';
import type { CorrectionSend, CorrectionStatus } from '../../store/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';
import { correctionView } from '../lookup/corrections.ts';
import { clientId, communicationParams } from '../lookup/schemas.ts';
import { viewContext } from '../lookup/view-context.ts';

const tags = ['communications'];
type Params = { customerId: string; communicationId: string };
const reason = { type: 'string', minLength: 3, maxLength: 500 } as const;
const SENDS = ['none', 'email', 'print'] as const;
const STATUSES = ['pending', 'applied', 'refused'] as const;

/**
 * Corrected copies (issue 19 item 1): the form's fields and values, a correction asked for (applied at
 * once, or held for a second person when an agent changes an amount), the approval queue, and a
 * supervisor's (admin's) approval or refusal. Agents and admins may call them; who may decide is the
 * four-eyes rule's (src/on-demand/corrections.ts), refused with 403 and audited.
 */
export function correctionRoutes(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  const base = '/api/customers/:customerId/communications/:communicationId/corrections';

  app.get<{ Params: Params }>(
    base,
    {
      config,
      schema: {
        tags,
        summary:
          "The fields an agent may correct in this communication (the template's declaration) with the values it was rendered with, its corrections and the versions that correct it",
        params: communicationParams,
      },
    },
    async (request) => {
      const form = await app.corrections.form(viewContext(request, 'api.correction-form'), request.params);
      const { correctedBy } = await app.corrections.of(request.params.communicationId);
      return {
        communicationId: form.communication.id,
        fields: form.fields,
        corrections: form.corrections,
        correctedBy,
      };
    },
  );

  app.post<{
    Params: Params;
    Body: { id: string; reason: string; changes: Record<string, unknown>; send?: CorrectionSend };
  }>(
    base,
    {
      config,
      schema: {
        tags,
        summary:
          'Correct a communication: re-render it from its sealed inputs with corrected fields, archived as a new version that names this one (201); an agent’s change of an amount is held for an admin’s approval (202, status pending); `send` then resends it by e-mail or re-prints it',
        params: communicationParams,
        body: {
          type: 'object',
          required: ['id', 'reason', 'changes'],
          additionalProperties: false,
          properties: {
            id: clientId,
            reason,
            changes: {
              type: 'object',
              minProperties: 1,
              maxProperties: 50,
              description: 'declared field path → new value (text: string; lines: string[]; amount: number)',
            },
            send: { type: 'string', enum: [...SENDS] },
          },
        },
      },
    },
    async (request, reply) => {
      const result = await app.corrections.request(viewContext(request, 'api.correction'), {
        ...request.params,
        changes: request.body.changes,
        reason: request.body.reason,
        clientId: request.body.id,
        send: request.body.send,
      });
      const status = !result.created ? 200 : result.correction.status === 'pending' ? 202 : 201;
      return reply.status(status).send(answer(result));
    },
  );

  app.get<{ Querystring: { status?: CorrectionStatus } }>(
    '/api/corrections',
    {
      config,
      schema: {
        tags,
        summary: 'Corrections by status, oldest first (default: pending — the approval queue)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: [...STATUSES] } },
        },
      },
    },
    async (request) => ({ corrections: await app.corrections.list(request.query.status ?? 'pending') }),
  );

  for (const action of ['approve', 'refuse'] as const) {
    app.post<{ Params: { correctionId: string }; Body: { reason: string } }>(
      `/api/corrections/:correctionId/${action}`,
      {
        config,
        schema: {
          tags,
          summary:
            action === 'approve'
              ? 'Approve a pending correction (an admin who is not the requester): it is rendered and archived as the new version'
              : 'Refuse a pending correction (an admin who is not the requester): nothing is rendered',
          params: {
            type: 'object',
            required: ['correctionId'],
            properties: { correctionId: { type: 'string', minLength: 1, maxLength: 100 } },
          },
          body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason } },
        },
      },
      async (request) =>
        answer(
          await app.corrections.decide(
            viewContext(request, `api.correction.${action}`),
            request.params.correctionId,
            {
              approve: action === 'approve',
              reason: request.body.reason,
            },
          ),
        ),
    );
  }
}

function answer(result: CorrectionResult) {
  const version = (c: NonNullable<CorrectionResult['communication']>) => ({
    id: c.id,
    runId: c.runId,
    channel: c.channel,
    status: c.status,
    copyOf: c.copyOf,
    copyKind: c.copyKind,
    artifactSha256: c.artifactSha256,
  });
  return {
    correction: correctionView(result.correction),
    communication: result.communication ? version(result.communication) : null,
    sent: result.sent ? version(result.sent) : null,
    created: result.created,
  };
}
