import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { CHANNEL_KINDS, type ChannelKind, type Consent } from '../../../core/types.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { CALL_OUTCOMES } from '../../lookup/customer-actions.ts';
import { customerParams } from '../../lookup/schemas.ts';

type FormBody = Record<string, string | undefined>;

/**
 * The customer page's forms (src/api/ui/pages/customer.ts): contact preferences and a call note,
 * posted as HTML forms (CSRF field checked by the auth plugin) and handled by the same code as the
 * JSON API (`app.lookup`, src/api/lookup/customer-actions.ts); back to the timeline after.
 */
export function customerActionPages(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  const hide = true;

  app.post<{ Params: { customerId: string }; Body: FormBody }>(
    '/ui/customers/:customerId/preferences',
    { config, schema: { hide, params: customerParams } },
    async (request, reply) => {
      const { customerId } = request.params;
      const body = request.body ?? {};
      const consent: Partial<Record<ChannelKind, Partial<Consent>>> = {};
      // A form sends only ticked boxes: every channel's marketing consent is in the form, ticked or not.
      for (const channel of CHANNEL_KINDS)
        consent[channel] = { marketing: body[`marketing_${channel}`] === 'on' };
      await app.lookup.changePreferences(request.principal!, customerId, {
        id: clientIdOf(body),
        consent,
        eDelivery: body.eDelivery === 'on',
        ...(body.doNotContact === 'on' ? { doNotContact: true } : {}),
        reason: (body.reason ?? '').slice(0, 500),
      });
      return reply.redirect(`/ui/customers/${encodeURIComponent(customerId)}#timeline`, 303);
    },
  );

  app.post<{ Params: { customerId: string }; Body: FormBody }>(
    '/ui/customers/:customerId/notes',
    { config, schema: { hide, params: customerParams } },
    async (request, reply) => {
      const { customerId } = request.params;
      const body = request.body ?? {};
      const outcome = body.outcome || undefined;
      if (outcome !== undefined && !(CALL_OUTCOMES as readonly string[]).includes(outcome)) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'outcome: not one of the listed outcomes', {
          field: 'outcome',
        });
      }
      await app.lookup.writeNote(request.principal!, customerId, {
        id: clientIdOf(body),
        text: (body.text ?? '').slice(0, 2000),
        ...(outcome ? { outcome } : {}),
      });
      return reply.redirect(`/ui/customers/${encodeURIComponent(customerId)}#timeline`, 303);
    },
  );
}

function clientIdOf(body: FormBody): string {
  const id = body.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9._:-]{8,100}$/.test(id)) {
    throw new MissiveError('MSV_API_BAD_REQUEST', 'id: missing or malformed', { field: 'id' });
  }
  return id;
}
