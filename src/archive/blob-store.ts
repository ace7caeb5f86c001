/**
 * A content-addressed, immutable store of document bytes. The key is the sha256 of the bytes:
 * putting the same bytes twice stores them once, and every read is checked against its key.
 * One file per implementation: fs-blob-store.ts (default), an S3-compatible one at scale.
 */
export interface BlobStore {
  readonly name: string;
  /** Stores bytes under their sha256 and returns it. Idempotent. */
  put(bytes: Uint8Array, expectedSha256?: string): Promise<BlobRef>;
  /** The bytes, verified against the sha256; throws MSV_ARCHIVE_TAMPERED or MSV_ARCHIVE_NOT_FOUND. */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
  /**
   * Removes a blob; true when it existed. Only retention and erasure call it (src/archive/retention.ts,
   * erasure.ts), after checking no retained record refers to the blob. Optional so that stores which
   * cannot delete (WORM) still fit; those rely on crypto-shredding.
   */
  delete?(sha256: string): Promise<boolean>;
  /** Where a person can find the blob (a path or URL), for summaries. */
  locate(sha256: string): string;
}

export interface BlobRef {
  sha256: string;
  size: number;
  /** False when the blob was already stored. */
  created: boolean;
}
