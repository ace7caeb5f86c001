import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { copyCommunication } from '../../../on-demand/agent-copies.ts';
import { actorOf, ROUTE_ROLES } from '../../auth/principal.ts';
import { authorizeCommunication } from '../../lookup/document-access.ts';
import { maskPans } from '../../mask.ts';
import { viewContext } from '../../routes/communications.ts';
import { type RouteDeps, requireBlobs } from '../../routes/route-deps.ts';
import { communicationParams } from '../../routes/schemas.ts';

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
 * same copyCommunication as the API, then back to the viewer with the outcome shown.
 */
export function registerCopyActionPages(app: FastifyInstance, deps: RouteDeps): void {
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
        const ctx = viewContext(request, `ui.${kind}`);
        await authorizeCommunication(
          deps.db,
          customerId,
          communicationId,
          ctx,
          `communication.${kind}.check`,
        );
        await copyCommunication(
          {
            db: deps.db,
            blobs: requireBlobs(deps),
            now: deps.now,
            dispatch: deps.sendCopy,
            logger: deps.logger,
          },
          actorOf(request.principal!),
          {
            kind,
            customerId,
            communicationId,
            reason: maskPans(reason),
            clientId: body.id,
            ...(to ? { to } : {}),
          },
        );
        const back = `/ui/customers/${encodeURIComponent(customerId)}/communications/${encodeURIComponent(communicationId)}`;
        return reply.redirect(`${back}?copied=${kind}`, 303);
      },
    );
  }
}
