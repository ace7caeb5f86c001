import type { FastifyContextConfig, FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { isMissiveError } from '../../core/errors.ts';
import {
  assertHttpTarget,
  recordTrackingEvent,
  type SuccessRules,
  type TokenPurpose,
  type TrackingClaims,
  verifyToken,
} from '../../feedback/index.ts';
import { SHORT_CODE } from '../../render/index.ts';
import { type Database, getTrackedLink } from '../../store/index.ts';

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
 * GET /t/:code — a tracked link: records the click and redirects (302) to the target stored for the
 * code in the link table; GET /t/<payload>.<mac> — a long signed token of an earlier version: the
 * target signed in it. An unknown, expired or bad link is a 404 with no Location (RELIABILITY S4).
 * GET /o/:code.gif (or a signed token) — the open pixel: always the GIF (no-store), the open
 * recorded only for a valid link. HEAD is served too (fastify's automatic HEAD routes) and flagged
 * as a machine.
 */
export function registerTrackingRoutes(app: FastifyInstance, deps: TrackingRouteDeps): void {
  // Wildcards, not `:token`: a token is longer than fastify's default maxParamLength (100).
  const options = { config: deps.routeConfig ?? {} };
  app.get<{ Params: { '*': string } }>('/t/*', options, async (request, reply) => {
    const token = request.params['*'];
    const claims = await resolve(token, 'click', deps);
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
    const claims = await resolve(token, 'open', deps);
    if (!('error' in claims)) {
      await record(deps, claims, token, request.method, request.headers['user-agent'], request.log);
    }
    return sendPixel(reply);
  });
}

type Resolved = TrackingClaims | { error: string };

/** A short code is looked up in the link table; anything else is verified as a signed token. */
async function resolve(token: string, purpose: TokenPurpose, deps: TrackingRouteDeps): Promise<Resolved> {
  if (!SHORT_CODE.test(token)) return verify(token, purpose, deps);
  const link = await getTrackedLink(deps.db, token);
  if (!link || link.purpose !== purpose) return { error: 'MSV_FEEDBACK_TOKEN_INVALID' };
  const expiresAt = Date.parse(link.expiresAt) / 1000;
  if (expiresAt * 1000 <= deps.now().getTime()) return { error: 'MSV_FEEDBACK_TOKEN_EXPIRED' };
  if (purpose === 'click' && !isHttpTarget(link.target)) return { error: 'MSV_FEEDBACK_BAD_TARGET' };
  return {
    purpose: link.purpose,
    communicationId: link.communicationId,
    offerId: link.offerId,
    target: link.target,
    expiresAt,
  };
}

function isHttpTarget(target: string): boolean {
  try {
    assertHttpTarget(target);
    return true;
  } catch {
    return false;
  }
}

function verify(token: string, purpose: TokenPurpose, deps: TrackingRouteDeps): Resolved {
  try {
    return verifyToken(deps.trackingKey, token, purpose, deps.now().getTime());
  } catch (err) {
    if (isMissiveError(err)) return { error: err.code };
    throw err;
  }
}

async function record(
  deps: TrackingRouteDeps,
  claims: TrackingClaims,
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
