import type { Kysely } from 'kysely';
import {
  type ArchivedDocument,
  appendAudit,
  type Database,
  listDocumentsDatedBefore,
} from '../store/index.ts';
import type { BlobStore } from './blob-store.ts';
import { completeRestrictedErasures } from './erasure.ts';
import { removeDocuments } from './remove-documents.ts';
import { ageInDays, cutoffDate, type RetentionPolicy } from './retention-policy.ts';

/**
 * Retention (RELIABILITY S8, GDPR Art. 5(1)(e)): `planPurge` lists the documents the policy says have
 * been kept long enough (pure reading, what `--dry-run` prints); `executePurge` removes them through
 * removeDocuments (tombstone + log entry each, blobs no retained document uses) and writes one audit row.
 */

export interface PurgeItem {
  communicationId: string;
  runId: string;
  /** An id, never personal data: lets the purge finish erasures that were waiting on a legal hold. */
  customerId: string;
  communicationType: string;
  channel: string;
  asOf: string;
  ageDays: number;
  bytes: number;
  artifactSha256: string;
  /** The rule that let it go, e.g. "7y". */
  keep: string;
}

export interface PurgePlan {
  today: string;
  policySource: string;
  items: PurgeItem[];
  totalBytes: number;
}

export interface PurgeOptions {
  /** The day to judge ages on (YYYY-MM-DD); default today (UTC). */
  today?: string;
  /** At most this many items (the oldest rules first); default: all. */
  limit?: number;
}

/**
 * The documents the retention policy no longer keeps as of `today` (pure planning, nothing deleted), up to
 * `limit`.
 */
export async function planPurge(
  deps: { db: Kysely<Database> },
  policy: RetentionPolicy,
  options: PurgeOptions = {},
): Promise<PurgePlan> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const items: PurgeItem[] = [];
  const named = Object.keys(policy.types);
  const rules = [
    ...Object.entries(policy.types).map(([type, rule]) => ({ filter: { types: [type] }, rule })),
    { filter: { exceptTypes: named }, rule: policy.default },
  ];
  for (const { filter, rule } of rules) {
    const before = cutoffDate(today, rule.keep);
    for (let afterId: string | null = null; items.length < limit; ) {
      const page = await listDocumentsDatedBefore(deps.db, { before, ...filter }, { afterId, limit: 1000 });
      for (const doc of page.slice(0, limit - items.length)) items.push(toItem(doc, today, rule.keep));
      if (page.length < 1000) break;
      afterId = page[page.length - 1]!.communicationId;
    }
  }
  return { today, policySource: policy.source, items, totalBytes: items.reduce((s, i) => s + i.bytes, 0) };
}

function toItem(doc: ArchivedDocument, today: string, keep: string): PurgeItem {
  return {
    communicationId: doc.communicationId,
    runId: doc.runId,
    customerId: doc.customerId,
    communicationType: doc.communicationType,
    channel: doc.channel,
    asOf: doc.asOf,
    ageDays: ageInDays(doc.asOf, today),
    bytes: doc.artifactSize,
    artifactSha256: doc.artifactSha256,
    keep,
  };
}

export interface PurgeOutcome {
  purged: number;
  blobsDeleted: number;
  bytesFreed: number;
  /** Restricted customers whose last held documents went: now erased for good. */
  erasuresCompleted: number;
}

/**
 * Carries out a purge plan: removes the documents and blobs no longer referenced, with tombstones and audit
 * rows, as `actor`.
 */
export async function executePurge(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  plan: PurgePlan,
  options: { actor: string },
): Promise<PurgeOutcome> {
  const outcome: PurgeOutcome = { purged: 0, blobsDeleted: 0, bytesFreed: 0, erasuresCompleted: 0 };
  const byKeep = new Map<string, PurgeItem[]>();
  for (const item of plan.items) byKeep.set(item.keep, [...(byKeep.get(item.keep) ?? []), item]);
  for (const [keep, items] of byKeep) {
    const removed = await removeDocuments(
      deps,
      items.map((i) => ({
        communicationId: i.communicationId,
        runId: i.runId,
        communicationType: i.communicationType,
        channel: i.channel,
        asOf: i.asOf,
        artifactSha256: i.artifactSha256,
        artifactSize: i.bytes,
      })),
      'document.purged',
      { reason: 'retention', keep, policy: plan.policySource, purgedOn: plan.today },
    );
    outcome.purged += removed.removed;
    outcome.blobsDeleted += removed.blobsDeleted;
    outcome.bytesFreed += removed.bytesFreed;
  }
  const completed = await completeRestrictedErasures(deps.db, [
    ...new Set(plan.items.map((i) => i.customerId)),
  ]);
  outcome.erasuresCompleted = completed.length;
  await appendAudit(deps.db, {
    actor: options.actor,
    action: 'archive.purge',
    targetType: 'archive',
    targetId: 'retention',
    details: { ...outcome, today: plan.today, policy: plan.policySource },
  });
  return outcome;
}
