import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { communicationParams } from '../../lookup/schemas.ts';
import { viewContext } from '../../lookup/view-context.ts';
import { pageContext, sendPage } from '../layout.ts';
import {
  CORRECTION_DONE,
  type CorrectionDone,
  correctionPage,
  correctionQueuePage,
} from '../pages/correction-form.ts';

type Params = { customerId: string; communicationId: string };
type Body = {
  id?: string;
  reason?: string;
  recipient?: string;
  to?: string;
  toConfirm?: string;
};

/**
 * The viewer's resend and re-print forms (CSRF-checked like every cookie-authenticated post): the
 * same `app.lookup.copy` as the API, then back to the viewer with the outcome shown.
 */
export function copyActionPages(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  for (const kind of ['resend', 'reprint'] as const) {
    app.post<{ Params: Params; Body: Body }>(
      `/ui/customers/:customerId/communications/:communicationId/${kind}`,
      { config, schema: { hide: true, params: communicationParams } },
      async (request, reply) => {
        const { customerId, communicationId } = request.params;
        const body = request.body ?? {};
        if (typeof body.id !== 'string' || !/^[A-Za-z0-9._:-]{8,100}$/.test(body.id))
          throw new MissiveError('MSV_API_BAD_REQUEST', 'id: missing or malformed', { field: 'id' });
        const reason = (body.reason ?? '').trim();
        if (reason.length < 3 || reason.length > 500)
          throw new MissiveError('MSV_API_BAD_REQUEST', 'reason: 3 to 500 characters', { field: 'reason' });
        let to: string | undefined;
        if (kind === 'resend' && body.recipient === 'other') {
          to = (body.to ?? '').trim();
          if (!to || to.toLowerCase() !== (body.toConfirm ?? '').trim().toLowerCase()) {
            throw new MissiveError('MSV_API_BAD_REQUEST', 'toConfirm: the two addresses differ', {
              field: 'toConfirm',
            });
          }
        }
        await app.lookup.copy(viewContext(request, `ui.${kind}`), {
          kind,
          customerId,
          communicationId,
          reason,
          clientId: body.id,
          to,
        });
        const back = `/ui/customers/${encodeURIComponent(customerId)}/communications/${encodeURIComponent(communicationId)}`;
        return reply.redirect(`${back}?copied=${kind}`, 303);
      },
    );
  }
}

const SENDS = ['none', 'email', 'print'] as const;

/**
 * The corrected-copy page of a communication, its post (the form's `field:<path>` inputs; an empty
 * input is left out, so a field the document lacks is not blanked), and a supervisor's decision on a
 * pending one: the same `app.corrections` as the API, then back to the page with the outcome shown.
 */
export function correctionPages(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  const path = '/ui/customers/:customerId/communications/:communicationId/correct';
  const pageOf = (customerId: string, communicationId: string) =>
    `/ui/customers/${encodeURIComponent(customerId)}/communications/${encodeURIComponent(communicationId)}/correct`;

  app.get<{ Params: Params; Querystring: { done?: string } }>(
    path,
    { config, schema: { hide: true, params: communicationParams } },
    async (request, reply) => {
      const form = await app.corrections.form(viewContext(request, 'ui.correction-form'), request.params);
      const done = CORRECTION_DONE.find((d) => d === request.query.done) as CorrectionDone | undefined;
      return sendPage(
        reply,
        correctionPage(pageContext(request), { customerId: request.params.customerId, form, done }),
      );
    },
  );

  app.post<{ Params: Params; Body: Record<string, unknown> }>(
    path,
    { config, schema: { hide: true, params: communicationParams } },
    async (request, reply) => {
      const { customerId, communicationId } = request.params;
      const body = request.body ?? {};
      const id = typeof body.id === 'string' ? body.id : '';
      if (!/^[A-Za-z0-9._:-]{8,100}$/.test(id))
        throw new MissiveError('MSV_API_BAD_REQUEST', 'id: missing or malformed', { field: 'id' });
      const reason = (typeof body.reason === 'string' ? body.reason : '').trim();
      if (reason.length < 3 || reason.length > 500)
        throw new MissiveError('MSV_API_BAD_REQUEST', 'reason: 3 to 500 characters', { field: 'reason' });
      const send = SENDS.find((s) => s === body.send) ?? 'none';
      const changes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(body)) {
        if (!key.startsWith('field:') || typeof value !== 'string' || value.trim() === '') continue;
        changes[key.slice('field:'.length)] = value;
      }
      const result = await app.corrections.request(viewContext(request, 'ui.correction'), {
        customerId,
        communicationId,
        changes,
        reason,
        clientId: id,
        send,
      });
      const done = result.correction.status === 'pending' ? 'pending' : 'applied';
      return reply.redirect(`${pageOf(customerId, communicationId)}?done=${done}`, 303);
    },
  );

  app.get('/ui/corrections', { config, schema: { hide: true } }, async (request, reply) =>
    sendPage(reply, correctionQueuePage(pageContext(request), await app.corrections.list('pending'))),
  );

  app.post<{ Params: { correctionId: string }; Body: { decision?: string; reason?: string } }>(
    '/ui/corrections/:correctionId/decide',
    {
      config,
      schema: {
        hide: true,
        params: {
          type: 'object',
          required: ['correctionId'],
          properties: { correctionId: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const reason = (body.reason ?? '').trim();
      if (reason.length < 3 || reason.length > 500)
        throw new MissiveError('MSV_API_BAD_REQUEST', 'reason: 3 to 500 characters', { field: 'reason' });
      if (body.decision !== 'approve' && body.decision !== 'refuse')
        throw new MissiveError('MSV_API_BAD_REQUEST', 'decision: approve or refuse', { field: 'decision' });
      const { correction } = await app.corrections.decide(
        viewContext(request, `ui.correction.${body.decision}`),
        request.params.correctionId,
        { approve: body.decision === 'approve', reason },
      );
      const done = body.decision === 'approve' ? 'approved' : 'refused';
      return reply.redirect(`${pageOf(correction.customerId, correction.communicationId)}?done=${done}`, 303);
    },
  );
}
