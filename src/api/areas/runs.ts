import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.ts';
import { runRoutes } from '../routes/runs.ts';
import { runPages } from '../ui/routes/runs.ts';

/** What the runs area works with: its `runs` decorator. */
export interface RunsContext {
  db: Kysely<Database>;
  now: () => Date;
}

/**
 * The runs area: list, create and steer runs (pause, resume, cancel, retry-failed; every step
 * audited) and their reports — as JSON under /api/runs and as pages under /ui/runs, both through
 * the same controlRun. An encapsulated plugin: its `runs` decorator exists in this scope only.
 */
export const runsArea: FastifyPluginAsync<RunsContext> = async (app, options) => {
  app.decorate('runs', { db: options.db, now: options.now } satisfies RunsContext);
  runRoutes(app);
  runPages(app);
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The runs area's context: decorated in its scope only (areas/runs.ts). */
    runs: RunsContext;
  }
}
