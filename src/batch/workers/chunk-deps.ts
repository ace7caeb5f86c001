import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/blob-store.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/schema.ts';
import { createRunDecisions } from '../run-decisions.ts';
import { createTemplateCache } from '../template-cache.ts';
import type { RenderChunkDeps } from './render-chunk.ts';

/** What a chunk needs, the same wherever it runs: this process, a sandbox child, `missive worker`. */
export function createRenderChunkDeps(
  db: Kysely<Database>,
  blobs: BlobStore,
  logger: Logger,
): RenderChunkDeps {
  return { db, blobs, logger, templates: createTemplateCache(db), decisions: createRunDecisions(db) };
}
