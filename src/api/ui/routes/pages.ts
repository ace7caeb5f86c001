import type { FastifyInstance } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { decodeEmail } from '../../../render/email.ts';
import type { Decision } from '../../../rules/decision.ts';
import { explainDecision } from '../../../rules/explain.ts';
import { appendAudit } from '../../../store/audit.ts';
import { getCommunication, listCommunicationStatusHistory } from '../../../store/communications.ts';
import { listCustomerAccounts, type SearchKind, searchCustomers } from '../../../store/customer-search.ts';
import { getCustomer } from '../../../store/customers.ts';
import { getDecision } from '../../../store/decisions.ts';
import { listEvents } from '../../../store/events.ts';
import { getRun } from '../../../store/runs.ts';
import { actorOf, ROUTE_ROLES } from '../../auth/principal.ts';
import { EMAIL_FRAME_CSP, neutraliseEmailHtml } from '../../email-view.ts';
import { customerSummary, customerView } from '../../lookup/customer-view.ts';
import { agentReasons } from '../../lookup/decision-reasons.ts';
import { recordDisposition } from '../../lookup/dispositions.ts';
import {
  authorizeCommunication,
  readCommunicationDocument,
  type ViewContext,
} from '../../lookup/document-access.ts';
import { customerHoldings } from '../../lookup/holdings.ts';
import { customerTimeline, toTimelineEvent } from '../../lookup/timeline.ts';
import { maskPans } from '../../mask.ts';
import { viewContext } from '../../routes/communications.ts';
import { type RouteDeps, requireBlobs } from '../../routes/route-deps.ts';
import {
  communicationParams,
  customerParams,
  DISPOSITION_OUTCOMES,
  type DispositionOutcome,
} from '../../routes/schemas.ts';
import { pageContext, sendPage } from '../layout.ts';
import { customerPage } from '../pages/customer.ts';
import { searchPage } from '../pages/search.ts';
import { type DocumentState, viewerPage } from '../pages/viewer.ts';

type Params = { customerId: string; communicationId: string };
const KINDS = ['any', 'id', 'name', 'phone', 'email', 'account'] as const;

/** The agent's pages: search → customer → communication (document, reasons, response form). */
export function registerAgentPages(app: FastifyInstance, deps: RouteDeps): void {
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
      const results = q.trim()
        ? (await searchCustomers(deps.db, { q, kind, limit: 50 })).map(customerSummary)
        : undefined;
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
      const { customerId } = request.params;
      const customer = await getCustomer(deps.db, customerId);
      if (!customer)
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
      await appendAudit(deps.db, {
        actor: actorOf(request.principal!),
        action: 'customer.view',
        targetType: 'customer',
        targetId: customerId,
        details: { ip: request.ip, via: 'ui' },
      });
      const [accounts, timeline, holdings] = await Promise.all([
        listCustomerAccounts(deps.db, customerId),
        customerTimeline(deps.db, customerId),
        customerHoldings(deps.db, deps.datasourcesDir, customerId),
      ]);
      return sendPage(
        reply,
        customerPage(pageContext(request), customerView(customer, accounts), timeline, holdings),
      );
    },
  );

  app.get<{ Params: Params; Querystring: { recorded?: string; copied?: string } }>(
    '/ui/customers/:customerId/communications/:communicationId',
    { config, schema: { hide, params: communicationParams } },
    async (request, reply) => {
      const { customerId, communicationId } = request.params;
      const { communication, state, bytes } = await verifiedDocument(
        deps,
        request.params,
        viewContext(request, 'ui.viewer'),
      );
      const [run, stored, history, events] = await Promise.all([
        getRun(deps.db, communication.runId),
        getDecision<Decision>(deps.db, communication.runId, customerId),
        listCommunicationStatusHistory(deps.db, communicationId),
        listEvents(deps.db, { communicationId, limit: 200 }),
      ]);
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
          reasons: stored
            ? (await agentReasons(deps.db, stored.decision, pageContext(request).locale)).map(maskPans)
            : [],
          explanation: stored ? explainDecision(stored.decision).map(maskPans) : [],
          offers: stored?.decision.offers.map((o) => o.offerId) ?? [],
          history,
          events: events.map(toTimelineEvent),
          recorded: request.query.recorded === '1',
          copied:
            request.query.copied === 'resend' || request.query.copied === 'reprint'
              ? request.query.copied
              : undefined,
        }),
      );
    },
  );

  app.get<{ Params: Params }>(
    '/ui/customers/:customerId/communications/:communicationId/email',
    { config, schema: { hide, params: communicationParams } },
    async (request, reply) => {
      const { customerId, communicationId } = request.params;
      const { communication, bytes } = await readCommunicationDocument(
        deps.db,
        requireBlobs(deps),
        customerId,
        communicationId,
        viewContext(request, 'ui.email'),
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
      const { customerId, communicationId } = request.params;
      const body = request.body ?? {};
      if (!DISPOSITION_OUTCOMES.includes(body.outcome as DispositionOutcome)) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'outcome: not one of the listed outcomes', {
          field: 'outcome',
        });
      }
      if (typeof body.id !== 'string' || !/^[A-Za-z0-9._:-]{8,100}$/.test(body.id)) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'id: missing or malformed', { field: 'id' });
      }
      const ctx = viewContext(request, 'ui.disposition');
      const { communication } = await verifiedDocument(deps, request.params, ctx, false);
      const stored = await getDecision<Decision>(deps.db, communication.runId, customerId);
      await recordDisposition(
        deps.db,
        { customerId, communicationId, offerIds: stored?.decision.offers.map((o) => o.offerId) ?? [] },
        {
          clientId: body.id,
          outcome: body.outcome as DispositionOutcome,
          note: body.note?.slice(0, 2000) || undefined,
          offerId: body.offerId || undefined,
        },
        { agent: actorOf(request.principal!), at: deps.now().toISOString() },
      );
      return reply.redirect(`/ui/customers/${encodeURIComponent(customerId)}#timeline`, 303);
    },
  );
}

/**
 * The communication with the state of its document: verified, tampered, missing or unreadable.
 * With `read` false only the per-object check runs (and is audited).
 */
async function verifiedDocument(deps: RouteDeps, params: Params, ctx: ViewContext, read = true) {
  if (!read) {
    const communication = await authorizeCommunication(
      deps.db,
      params.customerId,
      params.communicationId,
      ctx,
      'disposition.record',
    );
    return { communication, state: 'verified' as DocumentState, bytes: undefined };
  }
  try {
    const { communication, bytes } = await readCommunicationDocument(
      deps.db,
      requireBlobs(deps),
      params.customerId,
      params.communicationId,
      ctx,
    );
    return { communication, state: 'verified' as DocumentState, bytes };
  } catch (err) {
    if (!isMissiveError(err) || !['MSV_ARCHIVE_TAMPERED', 'MSV_ARCHIVE_NOT_FOUND'].includes(err.code))
      throw err;
    const communication = (await getCommunication(deps.db, params.communicationId))!;
    const state: DocumentState =
      err.code === 'MSV_ARCHIVE_TAMPERED'
        ? 'tampered'
        : communication.artifactSha256
          ? 'unreadable'
          : 'no-document';
    return { communication, state, bytes: undefined };
  }
}
