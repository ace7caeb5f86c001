import type { BlobStore } from '../archive/index.ts';
import { MissiveError } from '../core/errors.ts';

/** The archive, or MSV_ARCHIVE_NOT_FOUND when this server has none configured. */
export function requireBlobs(deps: { blobs: BlobStore | undefined }): BlobStore {
  if (!deps.blobs) throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', 'this server has no archive configured');
  return deps.blobs;
}
