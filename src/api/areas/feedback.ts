import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { SuccessRules } from '../../feedback/index.ts';
import type { Database } from '../../store/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';
import { registerFeedbackRoutes } from '../routes/feedback.ts';
import { registerTrackingRoutes } from '../routes/tracking.ts';
import { registerTwilioInboundRoutes } from '../routes/twilio-inbound.ts';
import { registerTwilioStatusRoutes } from '../routes/twilio-status.ts';
import { registerUnsubscribeRoutes } from '../routes/unsubscribe.ts';
import { reportPages } from '../ui/routes/reports.ts';

/** What the feedback area works with: its `feedback` decorator. */
export interface FeedbackContext {
  db: Kysely<Database>;
  now: () => Date;
  /** Which events count as a success in the model and the reports. */
  successRules: SuccessRules;
}

export interface FeedbackOptions extends FeedbackContext {
  /** Twilio's webhooks: the auth token their signatures are checked with and Missive's public URL. */
  twilio: { authToken: string | undefined; publicUrl: string };
  /** The tracked links' and open pixel's key (/t/, /o/); none: those routes are not served. */
  trackingKey: Uint8Array | undefined;
}

/**
 * The feedback area: what comes back from customers and providers — tracked links and the open
 * pixel, Twilio's delivery statuses and replies, one-click unsubscribes (public routes that verify
 * their own signatures or keys), the call center's dispositions and the campaign reports (JSON and
 * pages). An encapsulated plugin: its `feedback` decorator exists in this scope only. The route
 * modules also mount on a bare fastify (each takes its own options), as the feedback tests do.
 */
export const feedbackArea: FastifyPluginAsync<FeedbackOptions> = async (app, options) => {
  const { db, now, successRules, twilio, trackingKey } = options;
  app.decorate('feedback', { db, now, successRules } satisfies FeedbackContext);
  registerTwilioStatusRoutes(app, { db, authToken: twilio.authToken, publicUrl: twilio.publicUrl });
  registerTwilioInboundRoutes(app, { db, now, successRules, ...twilio });
  registerUnsubscribeRoutes(app, { db, now, successRules, routeConfig: { public: true } });
  registerFeedbackRoutes(app, {
    db,
    now,
    successRules,
    config: { dispositions: { roles: ROUTE_ROLES.agent }, reports: { roles: ROUTE_ROLES.marketer } },
  });
  if (trackingKey) {
    registerTrackingRoutes(app, { db, now, successRules, trackingKey, routeConfig: { public: true } });
  }
  reportPages(app);
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The feedback area's context: decorated in its scope only (areas/feedback.ts). */
    feedback: FeedbackContext;
  }
}
