/** The archive stage's public surface: other stages import archive only through this file (or heavy.ts). */
export { type ArchiveVerification, verifyArchive } from './archive-verify.ts';
export type { BlobStore } from './blob-store.ts';
export { loadStoredBrand } from './brand-store.ts';
export { formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
export { openEnvelope, sealEnvelope } from './envelope.ts';
export { type ErasureOutcome, eraseCustomer, erasureRecords } from './erasure.ts';
export { createFsBlobStore } from './fs-blob-store.ts';
export { loadInputSnapshot, type RenderInput, snapshotInput } from './input-snapshot.ts';
export { archiveIntoPendingRow, documentLogData, recordDocument, storeDocument } from './ledger.ts';
export { issueCheckpoint } from './log-checkpoint.ts';
export { loadOrCreateLogKey } from './log-key.ts';
export { findOrphanBlobs, ORPHAN_PURGE_AFTER_MS, purgeOrphanBlobs } from './orphan-blobs.ts';
export { executePurge, type PurgePlan, planPurge } from './retention.ts';
export { loadRetentionPolicy } from './retention-policy.ts';
export {
  type BrandSettings,
  brandForType,
  brandSettingsOf,
  createRunBrands,
  type RunBrand,
  type RunBrands,
} from './run-brand.ts';
