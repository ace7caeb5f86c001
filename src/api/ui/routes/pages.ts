import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { decodeEmail } from '../../../render/index.ts';
import { explainDecision } from '../../../rules/index.ts';
import type { SearchKind } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { EMAIL_FRAME_CSP, neutraliseEmailHtml } from '../../email-view.ts';
import {
  communicationParams,
  customerParams,
  DISPOSITION_OUTCOMES,
  type DispositionOutcome,
} from '../../lookup/schemas.ts';
import { viewContext } from '../../lookup/view-context.ts';
import { maskPans } from '../../mask.ts';
import { pageContext, sendPage } from '../layout.ts';
import { customerPage } from '../pages/customer.ts';
import { searchPage } from '../pages/search.ts';
import { viewerPage } from '../pages/viewer.ts';

type Params = { customerId: string; communicationId: string };
const KINDS = ['any', 'id', 'name', 'phone', 'email', 'account'] as const;

/**
 * The agent's pages: search → customer → communication (document, reasons, response form).
 * Registered by the lookup plugin; `app.lookup` does the work (and audits) as for the JSON API.
 */
export function agentPages(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  const hide = true;

  app.get<{ Querystring: { q?: string; kind?: SearchKind } }>(
    '/ui/search',
    {
      config,
      schema: {
        hide,
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', maxLength: 200 }, kind: { type: 'string', enum: [...KINDS] } },
        },
      },
    },
    async (request, reply) => {
      const q = request.query.q ?? '';
      const kind = request.query.kind ?? 'any';
      const results = q.trim() ? await app.lookup.search({ q, kind, limit: 50 }) : undefined;
      // One customer found: the agent is on the phone with them, open it at once.
      if (results?.length === 1) {
        return reply.redirect(`/ui/customers/${encodeURIComponent(results[0]!.id)}`, 303);
      }
      return sendPage(reply, searchPage(pageContext(request), { q, kind }, results));
    },
  );

  app.get<{ Params: { customerId: string } }>(
    '/ui/customers/:customerId',
    { config, schema: { hide, params: customerParams } },
    async (request, reply) => {
      const viewer = { principal: request.principal!, ip: request.ip, via: 'ui' };
      const { customer, timeline, holdings, labels } = await app.lookup.customerPage(
        viewer,
        request.params.customerId,
      );
      return sendPage(reply, customerPage(pageContext(request), customer, timeline, holdings, labels));
    },
  );

  app.get<{ Params: Params; Querystring: { recorded?: string; copied?: string } }>(
    '/ui/customers/:customerId/communications/:communicationId',
    { config, schema: { hide, params: communicationParams } },
    async (request, reply) => {
      const { communication, state, bytes, run, stored, history, events, envelope } = await app.lookup.viewer(
        viewContext(request, 'ui.viewer'),
        request.params,
      );
      const smsText =
        state === 'verified' && communication.channel === 'sms' && bytes
          ? Buffer.from(bytes).toString('utf8')
          : undefined;
      return sendPage(
        reply,
        viewerPage(pageContext(request), {
          communication: { ...communication, type: run?.communicationType ?? null, asOf: run?.asOf ?? null },
          state,
          smsText,
          envelope,
          reasons: stored
            ? (await app.lookup.reasons(stored.decision, pageContext(request).locale)).map(maskPans)
            : [],
          explanation: stored ? explainDecision(stored.decision).map(maskPans) : [],
          offers: stored?.decision.offers.map((o) => o.offerId) ?? [],
          history,
          events,
          recorded: request.query.recorded === '1',
          copied:
            request.query.copied === 'resend' || request.query.copied === 'reprint'
              ? request.query.copied
              : undefined,
          correctedBy: (await app.corrections.correctedBy([communication.id])).get(communication.id),
        }),
      );
    },
  );

  app.get<{ Params: Params }>(
    '/ui/customers/:customerId/communications/:communicationId/email',
    { config, schema: { hide, params: communicationParams } },
    async (request, reply) => {
      const { communicationId } = request.params;
      const { communication, bytes } = await app.lookup.document(
        viewContext(request, 'ui.email'),
        request.params,
      );
      if (communication.channel !== 'email') {
        throw new MissiveError('MSV_API_BAD_REQUEST', `communication ${communicationId} is not an email`);
      }
      const { html } = neutraliseEmailHtml(decodeEmail(bytes).html);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', EMAIL_FRAME_CSP)
        .header('x-missive-sha256', communication.artifactSha256!)
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(html);
    },
  );

  app.post<{ Params: Params; Body: { id?: string; outcome?: string; note?: string; offerId?: string } }>(
    '/ui/customers/:customerId/communications/:communicationId/dispositions',
    { config, schema: { hide, params: communicationParams } },
    async (request, reply) => {
      const { customerId } = request.params;
      const body = request.body ?? {};
      if (!DISPOSITION_OUTCOMES.includes(body.outcome as DispositionOutcome)) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'outcome: not one of the listed outcomes', {
          field: 'outcome',
        });
      }
      if (typeof body.id !== 'string' || !/^[A-Za-z0-9._:-]{8,100}$/.test(body.id)) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'id: missing or malformed', { field: 'id' });
      }
      await app.lookup.recordDisposition(viewContext(request, 'ui.disposition'), request.params, {
        clientId: body.id,
        outcome: body.outcome as DispositionOutcome,
        note: body.note?.slice(0, 2000) || undefined,
        offerId: body.offerId || undefined,
      });
      return reply.redirect(`/ui/customers/${encodeURIComponent(customerId)}#timeline`, 303);
    },
  );
}
