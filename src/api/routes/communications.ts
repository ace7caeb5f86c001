import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import type { ChannelKind } from '../../core/types.ts';
import { type CopyRequest, type CopyResult, copyCommunication } from '../../on-demand/agent-copies.ts';
import { EMAIL_MIME } from '../../render/email.ts';
import type { Decision } from '../../rules/decision.ts';
import { explainDecision } from '../../rules/explain.ts';
import { listAttachments } from '../../store/communication-attachments.ts';
import { listCommunicationStatusHistory } from '../../store/communications.ts';
import { getDecision } from '../../store/decisions.ts';
import { listEvents } from '../../store/events.ts';
import { getRun } from '../../store/runs.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { recordDisposition } from '../lookup/dispositions.ts';
import {
  authorizeCommunication,
  readCommunicationDocument,
  type ViewContext,
} from '../lookup/document-access.ts';
import { toTimelineEvent } from '../lookup/timeline.ts';
import { maskPans } from '../mask.ts';
import { type RouteDeps, requireBlobs } from './route-deps.ts';
import { communicationParams, DISPOSITION_OUTCOMES, type DispositionOutcome } from './schemas.ts';

const tags = ['communications'];
type Params = { customerId: string; communicationId: string };

export const MEDIA_TYPES: Record<ChannelKind, string> = {
  print: 'application/pdf',
  email: EMAIL_MIME,
  sms: 'text/plain; charset=utf-8',
};

export function viewContext(request: FastifyRequest, via: string): ViewContext {
  return { principal: request.principal!, ip: request.ip, via };
}

/**
 * One communication of a customer — metadata, decision and reasons, dispatch history, events —
 * its archived bytes, and the agent's record of the customer's response. Every route takes the
 * customer id and refuses (403, audited) a communication that is not that customer's.
 */
export function registerCommunicationRoutes(app: FastifyInstance, deps: RouteDeps): void {
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
      const { customerId, communicationId } = request.params;
      const ctx = viewContext(request, 'api.communication');
      const c = await authorizeCommunication(deps.db, customerId, communicationId, ctx, 'communication.view');
      const [run, stored, history, events, attachments] = await Promise.all([
        getRun(deps.db, c.runId),
        getDecision<Decision>(deps.db, c.runId, customerId),
        listCommunicationStatusHistory(deps.db, c.id),
        listEvents(deps.db, { communicationId: c.id, limit: 500 }),
        listAttachments(deps.db, c.id),
      ]);
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
        events: events.map(toTimelineEvent),
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
      const { customerId, communicationId } = request.params;
      const { communication, bytes } = await readCommunicationDocument(
        deps.db,
        requireBlobs(deps),
        customerId,
        communicationId,
        viewContext(request, 'api.document'),
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
            id: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' },
            outcome: { type: 'string', enum: [...DISPOSITION_OUTCOMES] },
            note: { type: 'string', maxLength: 2000 },
            offerId: { type: 'string', minLength: 1, maxLength: 100 },
          },
        },
      },
    },
    async (request, reply) => {
      const { customerId, communicationId } = request.params;
      const ctx = viewContext(request, 'api.disposition');
      const c = await authorizeCommunication(deps.db, customerId, communicationId, ctx, 'disposition.record');
      const stored = await getDecision<Decision>(deps.db, c.runId, customerId);
      const { recorded } = await recordDisposition(
        deps.db,
        { customerId, communicationId, offerIds: stored?.decision.offers.map((o) => o.offerId) ?? [] },
        {
          clientId: request.body.id,
          outcome: request.body.outcome,
          note: request.body.note,
          offerId: request.body.offerId,
        },
        { agent: actorOf(request.principal!), at: deps.now().toISOString() },
      );
      return reply.status(recorded ? 201 : 200).send({ recorded, id: request.body.id });
    },
  );

  const copyBody = (extra: Record<string, unknown>) => ({
    type: 'object',
    required: ['id', 'reason'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' },
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
      const result = await agentCopy(request, reply, 'resend', to?.trim());
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
      const result = await agentCopy(request, reply, 'reprint', undefined);
      return reply.status(result.created ? 201 : 200).send(copyAnswer(result));
    },
  );

  async function agentCopy(
    request: FastifyRequest<{ Params: Params; Body: { id: string; reason: string } }>,
    _reply: unknown,
    kind: CopyRequest['kind'],
    to: string | undefined,
  ): Promise<CopyResult> {
    const { customerId, communicationId } = request.params;
    const ctx = viewContext(request, `api.${kind}`);
    await authorizeCommunication(deps.db, customerId, communicationId, ctx, `communication.${kind}.check`);
    return copyCommunication(
      { db: deps.db, blobs: requireBlobs(deps), now: deps.now, dispatch: deps.sendCopy, logger: deps.logger },
      actorOf(request.principal!),
      {
        kind,
        customerId,
        communicationId,
        reason: maskPans(request.body.reason),
        clientId: request.body.id,
        ...(to ? { to } : {}),
      },
    );
  }
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
