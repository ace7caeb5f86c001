import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../core/errors.ts';
import type { ChannelKind, Consent } from '../../core/types.ts';
import { changeContactPreferences, recordCallNote } from '../../feedback/contact-preferences.ts';
import { getCustomer } from '../../store/customers.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { maskPans } from '../mask.ts';
import type { RouteDeps } from './route-deps.ts';
import { customerParams } from './schemas.ts';

const tags = ['customers'];
const clientId = { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' } as const;
const consentOf = {
  type: 'object',
  additionalProperties: false,
  properties: { service: { type: 'boolean' }, marketing: { type: 'boolean' } },
} as const;

export interface PreferencesBody {
  id: string;
  consent?: Partial<Record<ChannelKind, Partial<Consent>>>;
  eDelivery?: boolean;
  doNotContact?: boolean;
  reason: string;
}

export interface NoteBody {
  id: string;
  text: string;
  outcome?: string;
}

/**
 * What an agent does for a customer on the phone, beyond one communication: change how the customer
 * may be reached (consent per channel, paperless, do not contact: src/feedback/contact-preferences.ts)
 * and write a free call note. Each is an event on the timeline and an audit row; a retried post
 * (same `id`) records once.
 */
export function registerCustomerActionRoutes(app: FastifyInstance, deps: RouteDeps): void {
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
      const outcome = await changePreferences(deps, customerId, request.body, actorOf(request.principal!));
      return outcome;
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
      const { recorded } = await writeNote(deps, customerId, request.body, actorOf(request.principal!));
      return reply.code(recorded ? 201 : 200).send({ recorded });
    },
  );
}

/** A call's outcome, for notes. */
export const CALL_OUTCOMES = ['resolved', 'callback', 'complaint', 'information', 'other'] as const;

export async function changePreferences(
  deps: RouteDeps,
  customerId: string,
  body: PreferencesBody,
  actor: string,
) {
  await requireCustomer(deps, customerId);
  return changeContactPreferences(
    deps.db,
    customerId,
    {
      consent: body.consent,
      eDelivery: body.eDelivery,
      doNotContact: body.doNotContact,
      reason: maskPans(body.reason),
    },
    { source: 'call-center', clientId: body.id, actor, at: deps.now().toISOString() },
  );
}

export async function writeNote(deps: RouteDeps, customerId: string, body: NoteBody, actor: string) {
  await requireCustomer(deps, customerId);
  return recordCallNote(
    deps.db,
    customerId,
    { clientId: body.id, text: maskPans(body.text), outcome: body.outcome },
    { actor, at: deps.now().toISOString() },
  );
}

async function requireCustomer(deps: RouteDeps, customerId: string): Promise<void> {
  if (!(await getCustomer(deps.db, customerId))) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
  }
}
