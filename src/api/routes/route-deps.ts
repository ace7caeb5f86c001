import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/blob-store.ts';
import { MissiveError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/schema.ts';

/** What the routes work with. */
export interface RouteDeps {
  db: Kysely<Database>;
  blobs: BlobStore | undefined;
  now: () => Date;
  /** Where the data source definitions are (holdings from the feeds); none: no holdings shown. */
  datasourcesDir?: string | undefined;
  logger?: Logger | undefined;
  /** Sends an agent's e-mail copy (the on-demand service's send loop); none: it stays `archived`. */
  sendCopy?: ((communicationId: string) => void) | undefined;
}

export function requireBlobs(deps: RouteDeps): BlobStore {
  if (!deps.blobs) throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', 'this server has no archive configured');
  return deps.blobs;
}
