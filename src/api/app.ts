import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type ErrorCode, isMissiveError } from '../core/errors.ts';
import type { Database } from '../store/schema.ts';
import { registerDecideRoutes } from './routes/decide.ts';
import { registerPreviewRoutes } from './routes/preview.ts';
import { registerTwilioStatusRoutes } from './routes/twilio-status.ts';

/** What the API works with: the store, and a clock (tests pin it). */
export interface ApiDeps {
  db: Kysely<Database>;
  now?: () => Date;
  /** Twilio webhooks: the auth token their signatures are checked with and Missive's public URL. */
  twilio?: { authToken: string | undefined; publicUrl: string };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  MSV_API_BAD_REQUEST: 400,
  MSV_CONFIG_INVALID: 400,
  MSV_STORE_NOT_FOUND: 404,
  MSV_TEMPLATE_NOT_FOUND: 404,
  MSV_RULES_UNKNOWN_TYPE: 404,
  MSV_RULES_NOT_PUBLISHED: 409,
};

/**
 * The HTTP API, built but not listening (server.ts listens; tests use inject()). Errors are JSON:
 * `{ error: { code, message, details } }` with the MissiveError code; unexpected errors are a 500
 * without internals.
 */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((error, _request, reply) => {
    if (isMissiveError(error)) {
      return reply
        .status(STATUS[error.code] ?? 422)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply
        .status(status)
        .send({ error: { code: 'MSV_API_BAD_REQUEST', message: (error as Error).message, details: {} } });
    }
    return reply
      .status(500)
      .send({ error: { code: 'MSV_API_INTERNAL', message: 'internal error', details: {} } });
  });
  const now = deps.now ?? (() => new Date());
  registerDecideRoutes(app, { db: deps.db, now });
  registerPreviewRoutes(app, { db: deps.db, now });
  registerTwilioStatusRoutes(app, {
    db: deps.db,
    authToken: deps.twilio?.authToken,
    publicUrl: deps.twilio?.publicUrl ?? '',
  });
  return app;
}
