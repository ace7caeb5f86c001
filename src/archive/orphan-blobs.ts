import type { Kysely } from 'kysely';
import {
  countInputsReferencing,
  countPendingBlobs,
  type Database,
  deletePendingBlob,
  isArtifactStillReferenced,
  isBlobPendingSince,
  listPendingBlobs,
  type PendingBlob,
} from '../store/index.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * Orphan blobs: a document's bytes (or its sealed inputs) stored by a run that crashed before it
 * wrote the ledger row. The archive writes a pending row before each such blob and removes it with
 * the ledger row (src/archive/ledger.ts), so an orphan is a pending row older than a run could still
 * be working on it. `archive verify` reports them, `archive purge` removes them after a grace
 * period (a retried chunk that reaches the document first simply commits it), erasure removes a
 * customer's at once.
 */

/** Pending longer than this, a blob is reported as an orphan (a chunk takes seconds, not an hour). */
export const ORPHAN_REPORT_AFTER_MS = 60 * 60 * 1000;
/** Pending longer than this, `archive purge` removes it (time for a crashed run to be resumed). */
export const ORPHAN_PURGE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface OrphanReport {
  count: number;
  /** The oldest few, for the report. */
  first: PendingBlob[];
}

/** Blobs written without their ledger row for longer than the grace period: how many, and the first few. */
export async function findOrphanBlobs(
  db: Kysely<Database>,
  options: { now?: Date; olderThanMs?: number; list?: number } = {},
): Promise<OrphanReport> {
  const before = cutoff(options.now, options.olderThanMs ?? ORPHAN_REPORT_AFTER_MS);
  const count = await countPendingBlobs(db, before);
  const first = count === 0 ? [] : await listPendingBlobs(db, { before, limit: options.list ?? 20 });
  return { count, first };
}

export interface OrphanPurge {
  /** Pending rows handled. */
  orphans: number;
  blobsDeleted: number;
  /** Orphans whose bytes another document (or a pending write) still uses: only the row went. */
  kept: number;
}

/** Removes orphans pending for longer than the grace period (default 24 h). */
export async function purgeOrphanBlobs(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  options: { now?: Date; graceMs?: number } = {},
): Promise<OrphanPurge> {
  const before = cutoff(options.now, options.graceMs ?? ORPHAN_PURGE_AFTER_MS);
  return removePending(deps, { before }, before);
}

/** Erasure: the customer's orphans go at once, whatever their age. */
export async function eraseOrphanBlobs(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  customerId: string,
  now: Date = new Date(),
): Promise<OrphanPurge> {
  return removePending(deps, { customerId }, now.toISOString());
}

async function removePending(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  filter: { before?: string; customerId?: string },
  stillWritingSince: string,
): Promise<OrphanPurge> {
  const outcome: OrphanPurge = { orphans: 0, blobsDeleted: 0, kept: 0 };
  for (;;) {
    const page = await listPendingBlobs(deps.db, { ...filter, limit: 500 });
    if (page.length === 0) return outcome;
    for (const blob of page) {
      outcome.orphans += 1;
      const inUse =
        (await isArtifactStillReferenced(deps.db, blob.sha256)) ||
        (await countInputsReferencing(deps.db, blob.sha256)) > 0 ||
        (await isBlobPendingSince(deps.db, blob.sha256, stillWritingSince));
      if (inUse || !deps.blobs.delete) outcome.kept += 1;
      else if (await deps.blobs.delete(blob.sha256)) outcome.blobsDeleted += 1;
      await deletePendingBlob(deps.db, blob);
    }
  }
}

function cutoff(now: Date | undefined, ms: number): string {
  return new Date((now ?? new Date()).getTime() - ms).toISOString();
}
