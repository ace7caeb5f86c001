import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Database } from '../../store/index.ts';
import type { SessionOptions } from '../auth/sessions.ts';
import { registerMetricsRoute } from '../plugins/metrics.ts';
import { auditRoutes } from '../routes/audit.ts';
import { healthRoutes } from '../routes/health.ts';
import { userRoutes } from '../routes/users.ts';
import { adminPages } from '../ui/routes/admin.ts';
import { sessionRoutes } from '../ui/routes/session.ts';
import { settingsPages } from '../ui/routes/settings.ts';

/** What the staff area works with: its `staff` decorator. */
export interface StaffContext {
  db: Kysely<Database>;
  now: () => Date;
  /** Session lifetime and cookie flags of staff sign-ins. */
  session: SessionOptions;
  /** Sign-in attempts per minute per client address (the login route's own limit). */
  loginRateLimit: number;
}

export interface StaffOptions extends StaffContext {
  /** The app's Prometheus registry (plugins/metrics.ts), served at /metrics. */
  metrics: Registry;
}

/**
 * The staff area: who signs in and what the operators of the server see — sign-in and sign-out,
 * the language switch and the stylesheet, liveness/readiness, /api/me, /metrics, the user's
 * settings, users and API tokens, and the audit log (JSON and pages). An encapsulated plugin: its
 * `staff` decorator exists in this scope only.
 */
export const staffArea: FastifyPluginAsync<StaffOptions> = async (app, options) => {
  const { db, now, session, loginRateLimit } = options;
  app.decorate('staff', { db, now, session, loginRateLimit } satisfies StaffContext);
  registerMetricsRoute(app, options.metrics);
  healthRoutes(app);
  sessionRoutes(app);
  settingsPages(app);
  userRoutes(app);
  auditRoutes(app);
  adminPages(app);
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The staff area's context: decorated in its scope only (areas/staff.ts). */
    staff: StaffContext;
  }
}
