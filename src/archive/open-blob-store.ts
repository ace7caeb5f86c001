import type { Config } from '../core/config.ts';
import type { BlobStore } from './blob-store.ts';
import { createFsBlobStore } from './fs-blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

/** The archive the configuration names: an S3-compatible bucket when one is set, else the data dir. */
export function openBlobStore(config: Pick<Config, 'archiveDir' | 'archiveS3'>): BlobStore {
  const s3 = config.archiveS3;
  if (!s3) return createFsBlobStore(config.archiveDir);
  return createS3BlobStore({
    bucket: s3.bucket,
    ...(s3.prefix ? { prefix: s3.prefix } : {}),
    client: { region: s3.region, ...(s3.endpoint ? { endpoint: s3.endpoint } : {}) },
  });
}
