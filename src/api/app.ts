import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/blob-store.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { DEFAULT_SUCCESS_RULES, type SuccessRules } from '../feedback/success.ts';
import type { OnDemandService } from '../on-demand/on-demand-service.ts';
import type { Database } from '../store/schema.ts';
import { lookupArea } from './areas/lookup.ts';
import { ROUTE_ROLES } from './auth/principal.ts';
import type { SessionOptions } from './auth/sessions.ts';
import { installAuth } from './plugins/auth.ts';
import { installErrorHandling } from './plugins/errors.ts';
import { apiLogger, installRequestLogging } from './plugins/logging.ts';
import { installMetrics, registerMetricsRoute } from './plugins/metrics.ts';
import { installOpenApi } from './plugins/openapi.ts';
import { installSecurity, type SecurityOptions } from './plugins/security.ts';
import { type PortalOptions, registerPortal } from './portal/plugin.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerDecideRoutes } from './routes/decide.ts';
import { registerFeedbackRoutes } from './routes/feedback.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerOnDemandRoutes } from './routes/on-demand.ts';
import { registerPreviewRoutes } from './routes/preview.ts';
import type { RouteDeps } from './routes/route-deps.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerStudioRoutes } from './routes/studio.ts';
import { registerTrackingRoutes } from './routes/tracking.ts';
import { registerTwilioInboundRoutes } from './routes/twilio-inbound.ts';
import { registerTwilioStatusRoutes } from './routes/twilio-status.ts';
import { registerUnsubscribeRoutes } from './routes/unsubscribe.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerWebhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { renderHtmlError } from './ui/error-pages.ts';
import { registerAdminPages } from './ui/routes/admin.ts';
import { registerReportPages } from './ui/routes/reports.ts';
import { registerRunPages } from './ui/routes/runs.ts';
import { registerSessionRoutes } from './ui/routes/session.ts';
import { registerSettingsPages } from './ui/routes/settings.ts';
import { registerStudioPages } from './ui/routes/studio.ts';

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
  const now = deps.now ?? (() => new Date());
  const onDemandService = deps.onDemand;
  const routeDeps: RouteDeps = {
    db: deps.db,
    blobs: deps.blobs,
    now,
    datasourcesDir: deps.datasourcesDir,
    logger: deps.logger,
    sendCopy: onDemandService ? (id) => onDemandService.dispatch(id) : undefined,
  };
  installErrorHandling(app, renderHtmlError);
  installRequestLogging(app);
  installSecurity(app, security);
  installAuth(app, { db: deps.db, now });
  installOpenApi(app);
  const metrics = installMetrics(app);
  app.register(async (scope) => {
    registerMetricsRoute(scope, metrics);
    registerHealthRoutes(scope, routeDeps);
    registerSessionRoutes(scope, {
      ...routeDeps,
      session: security,
      loginRateLimit: security.loginRateLimit,
    });
    registerRunRoutes(scope, routeDeps);
    registerAuditRoutes(scope, routeDeps);
    registerUserRoutes(scope, routeDeps);
    registerOnDemandRoutes(scope, { db: deps.db, onDemand: deps.onDemand });
    registerWebhookEndpointRoutes(scope, { db: deps.db, now });
    registerDecideRoutes(scope, { db: deps.db, now });
    registerPreviewRoutes(scope, { db: deps.db, now, datasourcesDir: deps.datasourcesDir });
    registerStudioRoutes(scope, routeDeps);
    scope.register(lookupArea, routeDeps);
    registerAdminPages(scope, routeDeps);
    registerReportPages(scope, routeDeps);
    registerStudioPages(scope, routeDeps);
    registerRunPages(scope, routeDeps);
    registerSettingsPages(scope, routeDeps);
    // Public routes that verify their own signatures go here too, under /webhooks/ or /t/.
    registerTwilioStatusRoutes(scope, {
      db: deps.db,
      authToken: deps.twilio?.authToken,
      publicUrl: deps.twilio?.publicUrl ?? '',
    });
    const successRules = deps.feedback?.successRules ?? DEFAULT_SUCCESS_RULES;
    registerTwilioInboundRoutes(scope, {
      db: deps.db,
      now,
      successRules,
      authToken: deps.twilio?.authToken,
      publicUrl: deps.twilio?.publicUrl ?? '',
    });
    registerUnsubscribeRoutes(scope, { db: deps.db, now, successRules, routeConfig: { public: true } });
    registerFeedbackRoutes(scope, {
      db: deps.db,
      now,
      successRules,
      config: { dispositions: { roles: ROUTE_ROLES.agent }, reports: { roles: ROUTE_ROLES.marketer } },
    });
    if (deps.feedback) {
      registerTrackingRoutes(scope, {
        db: deps.db,
        now,
        successRules,
        trackingKey: deps.feedback.trackingKey,
        routeConfig: { public: true },
      });
    }
  });
  const onDemand = deps.onDemand;
  if (onDemand) app.addHook('onClose', async () => onDemand.close());
  if (deps.portal) {
    registerPortal(
      app,
      { db: deps.db, blobs: deps.blobs, now, cookieSecure: security.cookieSecure },
      { ...deps.portal, successRules: deps.portal.successRules ?? deps.feedback?.successRules },
    );
  }
  return app;
}
