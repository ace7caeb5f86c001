import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import type { LetterDeps, OnDemandService } from '../../on-demand/heavy.ts';
import type { Database } from '../../store/index.ts';
import { letterRoutes } from '../routes/letters.ts';
import { letterActionPages } from '../ui/routes/letter-actions.ts';

/** What the letters area works with. */
export interface LettersContext {
  db: Kysely<Database>;
  now: () => Date;
  /** The on-demand pipeline letters are made with; none: the letter routes answer 404. */
  service: OnDemandService | undefined;
}

/**
 * The call center's ad-hoc letters (issue 19 item 3), for agents and admins: the published letter
 * templates, a letter's PDF preview and sending it by post or e-mail — as JSON under
 * /api/letter-templates and /api/customers/:customerId/letters, and as the agent's form under
 * /ui/customers/:customerId/letters. An encapsulated plugin: its `letters` decorator exists in this
 * scope only; the work is src/on-demand/agent-letters.ts (the on-demand pipeline).
 */
export const lettersArea: FastifyPluginAsync<LettersContext> = async (app, options) => {
  const { db, now, service } = options;
  app.decorate('letters', {
    db,
    deps: (): LetterDeps => {
      if (!service) {
        throw new MissiveError(
          'MSV_ARCHIVE_NOT_FOUND',
          'this server makes no letters (no on-demand service)',
        );
      }
      return { db, now, service };
    },
  });
  letterRoutes(app);
  letterActionPages(app);
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The letters area's context: decorated in its scope only (areas/letters.ts). */
    letters: { db: Kysely<Database>; deps: () => LetterDeps };
  }
}
