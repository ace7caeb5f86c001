import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { OnDemandService } from '../../on-demand/heavy.ts';
import type { Database } from '../../store/index.ts';
import { onDemandRoutes } from '../routes/on-demand.ts';
import { webhookEndpointRoutes } from '../routes/webhook-endpoints.ts';

/** What the on-demand area works with: its `onDemand` decorator. */
export interface OnDemandContext {
  db: Kysely<Database>;
  now: () => Date;
  /** The pipeline, sends and status webhooks; none: POST /api/communications answers 503. */
  service: OnDemandService | undefined;
}

/**
 * The on-demand area for the organisation's systems: POST /api/communications (one communication
 * now, idempotent), finding it again by key, and the status webhooks' endpoints and delivery log
 * (admins). An encapsulated plugin: its `onDemand` decorator exists in this scope only; the service
 * is closed when the app closes.
 */
export const onDemandArea: FastifyPluginAsync<OnDemandContext> = async (app, options) => {
  const { db, now, service } = options;
  app.decorate('onDemand', { db, now, service } satisfies OnDemandContext);
  if (service) app.addHook('onClose', async () => service.close());
  onDemandRoutes(app);
  webhookEndpointRoutes(app);
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The on-demand area's context: decorated in its scope only (areas/on-demand.ts). */
    onDemand: OnDemandContext;
  }
}
