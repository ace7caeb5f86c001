import type { BlobStore } from '../../archive/index.ts';
import { MissiveError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';

/**
 * The simulation's archive: content-addressed blobs in memory, verified on read like every BlobStore.
 * The replay sends each week's documents and then deletes them (nothing reads them again), so a
 * replay of 45,211 e-mails neither fills a disk nor spends minutes unlinking files. Not for the
 * product, whose archives keep everything (fs-blob-store.ts, s3-blob-store.ts).
 */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Uint8Array>();
  const store: BlobStore = {
    name: 'memory',
    async put(bytes, expectedSha256) {
      const sha256 = sha256Hex(bytes);
      if (expectedSha256 && expectedSha256 !== sha256) {
        throw new MissiveError('MSV_ARCHIVE_TAMPERED', `bytes hash to ${sha256}, expected ${expectedSha256}`);
      }
      const created = !blobs.has(sha256);
      if (created) blobs.set(sha256, Uint8Array.from(bytes));
      return { sha256, size: bytes.byteLength, created };
    },
    async get(sha256) {
      const bytes = blobs.get(sha256);
      if (!bytes) throw new MissiveError('MSV_ARCHIVE_NOT_FOUND', `no blob ${sha256} in memory`);
      if (sha256Hex(bytes) !== sha256) {
        throw new MissiveError('MSV_ARCHIVE_TAMPERED', `blob ${sha256} was altered`);
      }
      return bytes;
    },
    async has(sha256) {
      return blobs.has(sha256);
    },
    async delete(sha256) {
      return blobs.delete(sha256);
    },
    locate: (sha256) => `memory:${sha256}`,
  };
  return store;
}
