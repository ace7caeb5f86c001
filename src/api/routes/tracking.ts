import type { FastifyContextConfig, FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { isMissiveError } from '../../core/errors.ts';
import type { SuccessRules } from '../../feedback/success.ts';
import { recordTrackingEvent } from '../../feedback/tracking-events.ts';
import { type TokenPurpose, verifyToken } from '../../feedback/tracking-token.ts';
import type { Database } from '../../store/schema.ts';

export interface TrackingRouteDeps {
  db: Kysely<Database>;
  /** loadTrackingKey(...) from src/feedback/tracking-token.ts. */
  trackingKey: Uint8Array;
  successRules: SuccessRules;
  now: () => Date;
  /** Route config of both routes; with the API's auth: `{ public: true }` (they verify their own MAC). */
  routeConfig?: FastifyContextConfig;
}

/** The transparent 1×1 GIF (43 bytes). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * GET /t/:token — a tracked link: records the click and redirects (302) to the target signed in the
 * token; any bad token is a 404 with no Location (RELIABILITY S4). GET /o/:token.gif — the open
 * pixel: always the GIF (no-store), the open recorded only for a valid token. HEAD is served too
 * (fastify's automatic HEAD routes) and flagged as a machine.
 */
export function registerTrackingRoutes(app: FastifyInstance, deps: TrackingRouteDeps): void {
  // Wildcards, not `:token`: a token is longer than fastify's default maxParamLength (100).
  const options = { config: deps.routeConfig ?? {} };
  app.get<{ Params: { '*': string } }>('/t/*', options, async (request, reply) => {
    const token = request.params['*'];
    const claims = verify(token, 'click', deps);
    if ('error' in claims) {
      return reply
        .code(404)
        .header('cache-control', 'no-store')
        .send({ error: { code: claims.error, message: 'unknown or expired link', details: {} } });
    }
    await record(deps, claims, token, request.method, request.headers['user-agent'], request.log);
    return reply.code(302).header('cache-control', 'no-store').header('location', claims.target).send();
  });

  app.get<{ Params: { '*': string } }>('/o/*', options, async (request, reply) => {
    const file = request.params['*'];
    const token = file.endsWith('.gif') ? file.slice(0, -4) : file;
    const claims = verify(token, 'open', deps);
    if (!('error' in claims)) {
      await record(deps, claims, token, request.method, request.headers['user-agent'], request.log);
    }
    return sendPixel(reply);
  });
}

function verify(token: string, purpose: TokenPurpose, deps: TrackingRouteDeps) {
  try {
    return verifyToken(deps.trackingKey, token, purpose, deps.now().getTime());
  } catch (err) {
    if (isMissiveError(err)) return { error: err.code };
    throw err;
  }
}

async function record(
  deps: TrackingRouteDeps,
  claims: Exclude<ReturnType<typeof verify>, { error: string }>,
  token: string,
  method: string,
  userAgent: string | undefined,
  log: { error(obj: object, msg: string): void },
): Promise<void> {
  try {
    await recordTrackingEvent(
      deps.db,
      claims,
      { token, method, userAgent, nowMs: deps.now().getTime() },
      deps.successRules,
    );
  } catch (err) {
    // The visitor still gets the page or the pixel; the lost event is logged (ids only).
    log.error({ err, communicationId: claims.communicationId }, 'tracking event not recorded');
  }
}

function sendPixel(reply: FastifyReply): FastifyReply {
  return (
    reply
      .code(200)
      .header('content-type', 'image/gif')
      .header('cache-control', 'no-store, no-cache, must-revalidate, private, max-age=0')
      .header('pragma', 'no-cache')
      .header('expires', '0')
      // webmail shows the pixel from its own origin: helmet's same-origin CORP would block it
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(PIXEL)
  );
}
