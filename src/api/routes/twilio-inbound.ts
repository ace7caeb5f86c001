import formbody from '@fastify/formbody';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import { handleInboundSms, isSignedByTwilio } from '../../feedback/heavy.ts';
import type { SuccessRules } from '../../feedback/index.ts';
import type { Database } from '../../store/index.ts';

export interface TwilioInboundRouteDeps {
  db: Kysely<Database>;
  /** TWILIO_AUTH_TOKEN; unset → 503, nothing written. */
  authToken: string | undefined;
  /** MISSIVE_PUBLIC_URL: the base URL Twilio calls (the signature covers the exact URL). */
  publicUrl: string;
  successRules: SuccessRules;
  now: () => Date;
  /** Default /webhooks/twilio/inbound. */
  path?: string;
  /** Route config (e.g. `{ public: true }`; /webhooks/ is public in the API's auth already). */
  routeConfig?: FastifyContextConfig;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * POST /webhooks/twilio/inbound — Twilio's "A message comes in" webhook (form-encoded). Signature
 * first (403 and nothing written when missing or wrong), then src/feedback/webhooks/twilio-inbound.ts.
 * Answers empty TwiML: Missive sends no automatic reply (Twilio's own opt-out replies still apply).
 */
export function registerTwilioInboundRoutes(app: FastifyInstance, deps: TwilioInboundRouteDeps): void {
  void app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    scope.post(
      deps.path ?? '/webhooks/twilio/inbound',
      { config: deps.routeConfig ?? {} },
      async (request: FastifyRequest<{ Body: Record<string, string> | undefined }>, reply) => {
        if (!deps.authToken) throw new MissiveError('MSV_CHANNEL_NOT_CONFIGURED', 'Twilio is not configured');
        const params = request.body ?? {};
        const url = `${deps.publicUrl.replace(/\/$/, '')}${request.url}`;
        const signature = request.headers['x-twilio-signature'];
        if (
          !isSignedByTwilio(
            deps.authToken,
            typeof signature === 'string' ? signature : undefined,
            url,
            params,
          )
        ) {
          throw new MissiveError('MSV_WEBHOOK_SIGNATURE_INVALID', 'invalid X-Twilio-Signature');
        }
        if (!params.MessageSid && !params.SmsSid) {
          throw new MissiveError('MSV_API_BAD_REQUEST', 'MessageSid is required', { field: 'MessageSid' });
        }
        await handleInboundSms(deps.db, params, deps.successRules, deps.now());
        return reply.code(200).type('text/xml').send(EMPTY_TWIML);
      },
    );
  });
}
