import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import twilio from 'twilio';
import { applyTwilioStatus } from '../../channels/index.ts';
import { MissiveError } from '../../core/errors.ts';
import type { Database } from '../../store/index.ts';

/**
 * Twilio's webhooks, public (no Missive login: Twilio signs them instead). Every request's
 * X-Twilio-Signature is checked against the exact public URL it was sent to and all its form
 * parameters BEFORE any work (RELIABILITY S5): forged or altered → 403, nothing written.
 * - POST /webhooks/twilio/status?key=<delivery key>: delivery status → ledger + one event per
 *   (message, status), however often Twilio retries (RELIABILITY N7).
 * - POST /webhooks/twilio/inbound: a reply → one `replied` event per message (STOP → `unsubscribed`).
 */
export interface TwilioWebhookDeps {
  db: Kysely<Database>;
  /** The auth token the signatures are made with; unset → the webhooks answer 503. */
  authToken: string | undefined;
  /** Missive's public base URL as Twilio calls it (MISSIVE_PUBLIC_URL). */
  publicUrl: string;
}

type FormRequest = FastifyRequest<{ Body: Record<string, string> | undefined }>;

/** Throws unless the request is signed: 503 without a Twilio token, 403 for a missing or wrong signature. */
function assertSigned(deps: TwilioWebhookDeps, request: FormRequest): void {
  if (!deps.authToken) throw new MissiveError('MSV_CHANNEL_NOT_CONFIGURED', 'Twilio is not configured');
  const url = `${deps.publicUrl.replace(/\/$/, '')}${request.url}`;
  const signature = request.headers['x-twilio-signature'];
  const params = request.body ?? {};
  if (typeof signature !== 'string' || !twilio.validateRequest(deps.authToken, signature, url, params)) {
    throw new MissiveError('MSV_WEBHOOK_SIGNATURE_INVALID', 'invalid X-Twilio-Signature');
  }
}

export function registerTwilioStatusRoutes(app: FastifyInstance, deps: TwilioWebhookDeps): void {
  // Form bodies are parsed app-wide (@fastify/formbody in plugins/security.ts).
  void app.register(async (scope) => {
    scope.post('/webhooks/twilio/status', async (request: FormRequest, reply) => {
      assertSigned(deps, request);
      const body = request.body ?? {};
      if (!body.MessageSid || !body.MessageStatus) {
        throw new MissiveError('MSV_API_BAD_REQUEST', 'MessageSid and MessageStatus are required');
      }
      const key = (request.query as Record<string, string | undefined>).key;
      await applyTwilioStatus(
        deps.db,
        { MessageSid: body.MessageSid, MessageStatus: body.MessageStatus, ErrorCode: body.ErrorCode },
        key,
      );
      return reply.status(200).type('text/xml').send('<Response/>');
    });
    // Inbound replies (STOP/退订, YES/是): src/api/routes/twilio-inbound.ts (the feedback loop).
  });
}
