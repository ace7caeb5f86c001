import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import type { ChannelKind } from '../../core/types.ts';
import type { CopyRequest, CopyResult } from '../../on-demand/heavy.ts';
import { EMAIL_MIME } from '../../render/index.ts';
import { explainDecision } from '../../rules/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';
import {
  clientId,
  communicationParams,
  DISPOSITION_OUTCOMES,
  type DispositionOutcome,
} from '../lookup/schemas.ts';
import { viewContext } from '../lookup/view-context.ts';
import { maskPans } from '../mask.ts';

const tags = ['communications'];
type Params = { customerId: string; communicationId: string };

export const MEDIA_TYPES: Record<ChannelKind, string> = {
  print: 'application/pdf',
  email: EMAIL_MIME,
  sms: 'text/plain; charset=utf-8',
};

/**
 * One communication of a customer — metadata, decision and reasons, dispatch history, events —
 * its archived bytes, and the agent's record of the customer's response. Every route takes the
 * customer id and refuses (403, audited) a communication that is not that customer's. Registered by
 * the lookup plugin, whose `app.lookup` does the work (and audits).
 */
export function communicationRoutes(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  const base = '/api/customers/:customerId/communications/:communicationId';

  app.get<{ Params: Params }>(
    base,
    {
      config,
      schema: {
        tags,
        summary: 'A communication: metadata, decision and reasons, dispatch history, events',
        params: communicationParams,
      },
    },
    async (request) => {
      const ctx = viewContext(request, 'api.communication');
      const {
        communication: c,
        run,
        stored,
        history,
        events,
        attachments,
      } = await app.lookup.communication(ctx, request.params);
      return {
        communication: {
          ...c,
          type: run?.communicationType ?? null,
          asOf: run?.asOf ?? null,
          supersededBy: run?.supersededBy ?? null,
          // What the e-mail carried (name, media type, sha256, size), as the ledger recorded it.
          attachments,
        },
        decision: stored
          ? { ...stored.decision, explanation: explainDecision(stored.decision).map(maskPans) }
          : null,
        history,
        events,
      };
    },
  );

  app.get<{ Params: Params }>(
    `${base}/document`,
    {
      config,
      schema: {
        tags,
        summary:
          'The archived document bytes, verified against their sha256 (x-missive-sha256); 409 if tampered',
        params: communicationParams,
      },
    },
    async (request, reply) => {
      const { communication, bytes } = await app.lookup.document(
        viewContext(request, 'api.document'),
        request.params,
      );
      const extension =
        communication.channel === 'print' ? 'pdf' : communication.channel === 'sms' ? 'txt' : 'email';
      return (
        reply
          .header('content-type', MEDIA_TYPES[communication.channel])
          .header('x-missive-sha256', communication.artifactSha256!)
          .header('x-missive-verified', 'sha256')
          .header('content-disposition', `inline; filename="${communication.id}.${extension}"`)
          .header('cache-control', 'no-store')
          // The page CSP's object-src 'none' would stop the browser's own PDF viewer; the bytes are
          // never HTML (fixed content-type, nosniff), so only framing is restricted.
          .header('content-security-policy', "frame-ancestors 'self'")
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      );
    },
  );

  app.post<{
    Params: Params;
    Body: { id: string; outcome: DispositionOutcome; note?: string; offerId?: string };
  }>(
    `${base}/dispositions`,
    {
      config,
      schema: {
        tags,
        summary: "Record the customer's response; a retried post with the same id records it once",
        params: communicationParams,
        body: {
          type: 'object',
          required: ['id', 'outcome'],
          additionalProperties: false,
          properties: {
            id: clientId,
            outcome: { type: 'string', enum: [...DISPOSITION_OUTCOMES] },
            note: { type: 'string', maxLength: 2000 },
            offerId: { type: 'string', minLength: 1, maxLength: 100 },
          },
        },
      },
    },
    async (request, reply) => {
      const { recorded } = await app.lookup.recordDisposition(
        viewContext(request, 'api.disposition'),
        request.params,
        {
          clientId: request.body.id,
          outcome: request.body.outcome,
          note: request.body.note,
          offerId: request.body.offerId,
        },
      );
      return reply.status(recorded ? 201 : 200).send({ recorded, id: request.body.id });
    },
  );

  const copyBody = (extra: Record<string, unknown>) => ({
    type: 'object',
    required: ['id', 'reason'],
    additionalProperties: false,
    properties: {
      id: clientId,
      reason: { type: 'string', minLength: 3, maxLength: 500 },
      ...extra,
    },
  });

  app.post<{ Params: Params; Body: { id: string; reason: string; to?: string; toConfirm?: string } }>(
    `${base}/resend`,
    {
      config,
      schema: {
        tags,
        summary:
          'Resend the exact archived document by e-mail (to the address on file, or `to` typed twice); a new ledger row linked to the original, never a re-render',
        params: communicationParams,
        body: copyBody({
          to: { type: 'string', minLength: 3, maxLength: 254 },
          toConfirm: { type: 'string', minLength: 3, maxLength: 254 },
        }),
      },
    },
    async (request, reply) => {
      const { to, toConfirm } = request.body;
      if ((to ?? '').trim().toLowerCase() !== (toConfirm ?? '').trim().toLowerCase()) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'toConfirm: the two addresses differ', {
          field: 'toConfirm',
        });
      }
      const result = await agentCopy(request, 'resend', to?.trim());
      return reply.status(result.created ? 201 : 200).send(copyAnswer(result));
    },
  );

  app.post<{ Params: Params; Body: { id: string; reason: string } }>(
    `${base}/reprint`,
    {
      config,
      schema: {
        tags,
        summary:
          "Queue the exact archived PDF for its run's print stream again, flagged as a reprint in the manifest",
        params: communicationParams,
        body: copyBody({}),
      },
    },
    async (request, reply) => {
      const result = await agentCopy(request, 'reprint', undefined);
      return reply.status(result.created ? 201 : 200).send(copyAnswer(result));
    },
  );

  const agentCopy = (
    request: FastifyRequest<{ Params: Params; Body: { id: string; reason: string } }>,
    kind: CopyRequest['kind'],
    to: string | undefined,
  ): Promise<CopyResult> =>
    app.lookup.copy(viewContext(request, `api.${kind}`), {
      kind,
      ...request.params,
      reason: request.body.reason,
      clientId: request.body.id,
      to,
    });
}

function copyAnswer(result: CopyResult) {
  const c = result.communication;
  return {
    communication: {
      id: c.id,
      runId: c.runId,
      channel: c.channel,
      status: c.status,
      copyOf: c.copyOf,
      copyKind: c.copyKind,
      artifactSha256: c.artifactSha256,
    },
    created: result.created,
  };
}
