import type { FastifyInstance } from 'fastify';
import { ROUTE_ROLES } from '../auth/principal.ts';
import { CALL_OUTCOMES, type NoteBody, type PreferencesBody } from '../lookup/customer-actions.ts';
import { clientId, customerParams } from '../lookup/schemas.ts';

const tags = ['customers'];
const consentOf = {
  type: 'object',
  additionalProperties: false,
  properties: { service: { type: 'boolean' }, marketing: { type: 'boolean' } },
} as const;

/**
 * What an agent does for a customer on the phone, beyond one communication: change how the customer
 * may be reached (consent per channel, paperless, do not contact: src/feedback/contact-preferences.ts)
 * and write a free call note. Each is an event on the timeline and an audit row; a retried post
 * (same `id`) records once. Registered by the lookup plugin; `app.lookup` does the work.
 */
export function customerActionRoutes(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };

  app.post<{ Params: { customerId: string }; Body: PreferencesBody }>(
    '/api/customers/:customerId/preferences',
    {
      config,
      schema: {
        tags,
        summary:
          "Change the customer's consent per channel, e-delivery or record do-not-contact, with the customer's reason",
        params: customerParams,
        body: {
          type: 'object',
          required: ['id', 'reason'],
          additionalProperties: false,
          properties: {
            id: clientId,
            consent: {
              type: 'object',
              additionalProperties: false,
              properties: { print: consentOf, email: consentOf, sms: consentOf },
            },
            eDelivery: { type: 'boolean' },
            doNotContact: { type: 'boolean', enum: [true] },
            reason: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
      },
    },
    async (request) => {
      const { customerId } = request.params;
      return app.lookup.changePreferences(request.principal!, customerId, request.body);
    },
  );

  app.post<{ Params: { customerId: string }; Body: NoteBody }>(
    '/api/customers/:customerId/notes',
    {
      config,
      schema: {
        tags,
        summary: 'Write a call note on the customer (card numbers masked), with an optional outcome',
        params: customerParams,
        body: {
          type: 'object',
          required: ['id', 'text'],
          additionalProperties: false,
          properties: {
            id: clientId,
            text: { type: 'string', minLength: 1, maxLength: 2000 },
            outcome: { type: 'string', enum: [...CALL_OUTCOMES] },
          },
        },
      },
    },
    async (request, reply) => {
      const { customerId } = request.params;
      const { recorded } = await app.lookup.writeNote(request.principal!, customerId, request.body);
      return reply.code(recorded ? 201 : 200).send({ recorded });
    },
  );
}
