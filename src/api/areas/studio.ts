import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.ts';
import { decideRoutes } from '../routes/decide.ts';
import { previewRoutes } from '../routes/preview.ts';
import { studioRoutes } from '../routes/studio.ts';
import { studioAssetArea } from '../ui/routes/studio-assets.ts';
import { studioCanvasPages } from '../ui/routes/studio-canvas.ts';
import { studioDiffPages } from '../ui/routes/studio-diff.ts';
import { studioDraftPages } from '../ui/routes/studio-drafts.ts';
import { studioEmailPages } from '../ui/routes/studio-email.ts';
import { studioNewPages } from '../ui/routes/studio-new.ts';
import { studioOfferPages } from '../ui/routes/studio-offers.ts';
import { studioProofPages } from '../ui/routes/studio-proofs.ts';
import type { StudioTestSend } from '../ui/routes/studio-test-send.ts';

/** What the studio area works with: its `studio` decorator. */
export interface StudioContext {
  db: Kysely<Database>;
  now: () => Date;
  /** Where new drafts find template packages by name. */
  templatesDir: string;
  /** The data source definitions previews read (default: the ones Missive ships). */
  datasourcesDir: string | undefined;
  /** "Send me a test" from the proofs page: the server's channels and test addresses (none: not offered). */
  testSend?: StudioTestSend | undefined;
}

export interface StudioOptions extends Omit<StudioContext, 'templatesDir'> {
  /** Default ./templates (the packages Missive ships). */
  templatesDir?: string | undefined;
}

/**
 * The marketer's area: template drafts, their live preview and four-eyes publishing, offers, the
 * diff of two versions (JSON under /api/studio, pages under /ui/studio), and the published
 * template's preview and a customer's decision (/api/preview, /api/decide). An encapsulated
 * plugin: its `studio` decorator exists in this scope only.
 */
export const studioArea: FastifyPluginAsync<StudioOptions> = async (app, options) => {
  app.decorate('studio', {
    db: options.db,
    now: options.now,
    templatesDir: options.templatesDir ?? path.resolve('templates'),
    datasourcesDir: options.datasourcesDir,
    testSend: options.testSend,
  } satisfies StudioContext);
  studioRoutes(app);
  previewRoutes(app);
  decideRoutes(app);
  studioDraftPages(app);
  studioNewPages(app);
  studioProofPages(app);
  studioCanvasPages(app);
  studioEmailPages(app);
  studioDiffPages(app);
  studioOfferPages(app);
  studioAssetArea(app);
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The studio area's context: decorated in its scope only (areas/studio.ts). */
    studio: StudioContext;
  }
}
