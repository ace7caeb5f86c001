import type { Kysely } from 'kysely';
import { type BlobStore, type BrandSettings, createRunBrands } from '../../archive/index.ts';
import type { Logger } from '../../core/logger.ts';
import type { LinkTracking } from '../../feedback/index.ts';
import { createGuardedRenderer, type RenderLimits } from '../../render/index.ts';
import type { Database } from '../../store/index.ts';
import { createRunDataCache } from '../run-data.ts';
import { createRunDecisions } from '../run-decisions.ts';
import { createTemplateCache } from '../template-cache.ts';
import type { RenderChunkDeps } from './render-chunk.ts';

/** What a chunk needs, the same wherever it runs: this process, a sandbox child, `missive worker`. */
export function createRenderChunkDeps(
  db: Kysely<Database>,
  blobs: BlobStore,
  logger: Logger,
  options: {
    limits?: RenderLimits | undefined;
    tracking?: LinkTracking | undefined;
    /** MISSIVE_BRANDS_DIR / MISSIVE_DEFAULT_BRAND; default: the shipped brands, default `bank`. */
    brands?: BrandSettings | undefined;
  } = {},
): RenderChunkDeps {
  const templates = createTemplateCache(db);
  const deps: RenderChunkDeps = {
    db,
    blobs,
    logger,
    templates,
    data: createRunDataCache(db),
    decisions: createRunDecisions(db),
    // With the store: each run's brand version pinned on the run, so all its chunks match.
    brands: createRunBrands(blobs, options.brands, db),
    tracking: options.tracking,
  };
  if (options.limits) {
    // Each document in a render thread with a time and heap cap (RELIABILITY B1): one that hangs
    // or explodes fails alone, with MSV_RENDER_TIMEOUT / MSV_RENDER_MEMORY, and the chunk goes on.
    const guarded = createGuardedRenderer(options.limits);
    deps.renderDocument = async (versionId, channel, data, renderOptions) =>
      guarded.render(await templates.source(versionId), channel, data, renderOptions);
  }
  return deps;
}
