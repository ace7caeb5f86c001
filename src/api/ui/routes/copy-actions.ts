import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { communicationParams } from '../../lookup/schemas.ts';
import { viewContext } from '../../lookup/view-context.ts';

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
