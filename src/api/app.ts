import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/index.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { DEFAULT_SUCCESS_RULES, type SuccessRules } from '../feedback/index.ts';
import type { OnDemandService } from '../on-demand/heavy.ts';
import type { Database } from '../store/index.ts';
import { feedbackArea } from './areas/feedback.ts';
import { lettersArea } from './areas/letters.ts';
import { lookupArea } from './areas/lookup.ts';
import { onDemandArea } from './areas/on-demand.ts';
import { runsArea } from './areas/runs.ts';
import { staffArea } from './areas/staff.ts';
import { studioArea } from './areas/studio.ts';
import type { SessionOptions } from './auth/sessions.ts';
import { installAuth } from './plugins/auth.ts';
import { installErrorHandling } from './plugins/errors.ts';
import { apiLogger, installRequestLogging } from './plugins/logging.ts';
import { installMetrics } from './plugins/metrics.ts';
import { installOpenApi } from './plugins/openapi.ts';
import { installSecurity, type SecurityOptions } from './plugins/security.ts';
import { type PortalOptions, portalArea } from './portal/plugin.ts';
import { renderHtmlError } from './ui/error-pages.ts';
import type { StudioTestSend } from './ui/routes/studio-test-send.ts';

/** What the API works with: the store, the archive, a clock (tests pin it), a logger, security settings. */
export interface ApiDeps {
  db: Kysely<Database>;
  /** The archive; without it the document routes answer MSV_ARCHIVE_NOT_FOUND. */
  blobs?: BlobStore;
  now?: () => Date;
  /** pino logger (default: silent); request logs carry ids only. */
  logger?: Logger;
  security?: Partial<SecurityOptions & SessionOptions>;
  /** Behind a reverse proxy that sets X-Forwarded-For/-Proto (then `request.ip` and https are the client's). */
  trustProxy?: boolean;
  /** Twilio webhooks: the auth token their signatures are checked with and Missive's public URL. */
  twilio?: { authToken: string | undefined; publicUrl: string };
  /** The data source definitions previews read (default: the ones Missive ships). */
  datasourcesDir?: string;
  /** Tracked links and the open pixel (/t/, /o/): without a key those routes are not served. */
  feedback?: { trackingKey: Uint8Array; successRules?: SuccessRules };
  /** The customer self-service portal (/portal): served only when it can send sign-in codes. */
  portal?: PortalOptions;
  /** The on-demand API's pipeline, sends and status webhooks (POST /api/communications); closed with the app. */
  onDemand?: OnDemandService;
  /** The studio's "send me a test": the channels and the configured test addresses. */
  studioTest?: StudioTestSend;
}

export const DEFAULT_SECURITY: SecurityOptions & SessionOptions = {
  rateLimit: 600,
  loginRateLimit: 10,
  ttlMinutes: 480,
  cookieSecure: 'auto',
};

/**
 * The HTTP API and the call-center UI, built but not listening (server.ts listens; tests use
 * inject()). Order matters: security plugins and the auth hooks first, then routes — every route
 * outside /webhooks/, /t/ and /docs must declare its roles or the app refuses to start.
 * Errors are JSON `{ error: { code, message, details } }` (pages for the UI).
 */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const security = { ...DEFAULT_SECURITY, ...deps.security };
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default one routes expect.
    loggerInstance: apiLogger(deps.logger ?? createLogger('silent')) as FastifyBaseLogger,
    // Fastify's own request lines would log URLs with their queries; logging.ts logs ids only.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
  });
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const onDemand = deps.onDemand;
  const successRules = deps.feedback?.successRules ?? DEFAULT_SUCCESS_RULES;
  // Cross-cutting plugins first (they reach every area: fastify-plugin style, skip-override).
  installErrorHandling(app, renderHtmlError);
  installRequestLogging(app);
  installSecurity(app, security);
  installAuth(app, { db, now });
  installOpenApi(app);
  const metrics = installMetrics(app);
  // Then one encapsulated plugin per area, each with its own decorator (src/api/areas/).
  app.register(staffArea, {
    db,
    now,
    session: security,
    loginRateLimit: security.loginRateLimit,
    metrics,
  });
  app.register(lookupArea, {
    db,
    blobs: deps.blobs,
    now,
    datasourcesDir: deps.datasourcesDir,
    logger: deps.logger,
    sendCopy: onDemand ? (id) => onDemand.dispatch(id) : undefined,
  });
  app.register(runsArea, { db, now });
  app.register(studioArea, { db, now, datasourcesDir: deps.datasourcesDir, testSend: deps.studioTest });
  app.register(onDemandArea, { db, now, service: onDemand });
  app.register(lettersArea, { db, now, service: onDemand });
  app.register(feedbackArea, {
    db,
    now,
    successRules,
    twilio: { authToken: deps.twilio?.authToken, publicUrl: deps.twilio?.publicUrl ?? '' },
    trackingKey: deps.feedback?.trackingKey,
  });
  if (deps.portal) {
    app.register(portalArea, {
      ...deps.portal,
      db,
      blobs: deps.blobs,
      now,
      cookieSecure: security.cookieSecure,
      successRules: deps.portal.successRules ?? deps.feedback?.successRules,
    });
  }
  return app;
}
