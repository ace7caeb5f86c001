import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import {
  addTombstone,
  appendAudit,
  type Database,
  deleteCustomerPersonalData,
  getCustomer,
  inTransaction,
  listCustomerDocuments,
  listDataKeyScopes,
  listTombstones,
  shredDataKeys,
  type Tombstone,
} from '../store/index.ts';
import type { BlobStore } from './blob-store.ts';
import { eraseOrphanBlobs } from './orphan-blobs.ts';
import { removeDocuments } from './remove-documents.ts';
import { expiryDate, loadRetentionPolicy, type RetentionPolicy, ruleFor } from './retention-policy.ts';

/**
 * Erasure on request (GDPR Art. 17, RELIABILITY S8). The customer record and stored decisions are
 * deleted; each archived document is erased (tombstone, blob and input snapshot removed) unless its
 * type is under a legal hold and still inside its retention period (Art. 17(3)(b)): those are kept
 * and the customer is *restricted* instead, until they expire. The data keys of every type with
 * nothing left to keep are deleted, so any copy of the sealed input snapshots (backups, WORM stores)
 * no longer decrypts (crypto-shredding). A PII-free tombstone and an audit row record it all.
 */

export interface ErasureRequest {
  actor: string;
  /** Why (e.g. "GDPR request #123"); goes to the audit log only, so keep personal data out of it. */
  reason: string;
  /** The day retention periods are judged on (YYYY-MM-DD); default today. */
  today?: string | undefined;
}

export interface ErasureDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  /** Default: the shipped retention.yaml. */
  policy?: RetentionPolicy | undefined;
}

export interface RetainedGroup {
  communicationType: string;
  documents: number;
  /** The last day a document of this group must be kept. */
  until: string;
  basis: string;
}

export interface ErasureOutcome {
  customerId: string;
  outcome: 'erased' | 'restricted';
  erasedDocuments: number;
  retained: RetainedGroup[];
  shreddedKeys: number;
  blobsDeleted: number;
  tombstoneId: number;
}

/**
 * Erases a customer on request (GDPR Art. 17): personal data and keys, documents the retention policy no
 * longer keeps, a tombstone.
 * @throws MissiveError MSV_STORE_NOT_FOUND for an unknown customer.
 */
export async function eraseCustomer(
  deps: ErasureDeps,
  customerId: string,
  request: ErasureRequest,
): Promise<ErasureOutcome> {
  const policy = deps.policy ?? loadRetentionPolicy();
  const today = request.today ?? new Date().toISOString().slice(0, 10);
  const customer = await getCustomer(deps.db, customerId);
  const documents = await listCustomerDocuments(deps.db, customerId);
  if (!customer && documents.length === 0 && (await erasureRecords(deps.db, customerId)).length === 0) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${customerId}`, { customerId });
  }
  const held = (d: (typeof documents)[number]) => {
    const rule = ruleFor(policy, d.communicationType);
    return rule.legalHold && expiryDate(d.asOf, rule.keep) > today;
  };
  const kept = documents.filter(held);
  const removal = await removeDocuments(
    deps,
    documents.filter((d) => !held(d)),
    'document.erased',
    { reason: 'erasure' },
  );
  // Bytes a crashed run wrote for this customer and never recorded go too (orphan-blobs.ts).
  const orphans = await eraseOrphanBlobs(deps, customerId);
  const retained = groupRetained(kept, policy);
  const keptTypes = new Set(retained.map((g) => g.communicationType));
  const scopes = (await listDataKeyScopes(deps.db, customerId)).filter((s) => !keptTypes.has(s));
  const outcome = retained.length > 0 ? 'restricted' : 'erased';
  return inTransaction(deps.db, async (trx) => {
    const shredded = await shredDataKeys(trx, customerId, scopes);
    const deleted = await deleteCustomerPersonalData(trx, customerId);
    const facts = {
      outcome,
      erasedDocuments: removal.removed,
      retained: retained.map((g) => ({ ...g })),
      shreddedKeys: shredded.length,
      decisionsDeleted: deleted.decisions,
      customerRecordDeleted: deleted.customer,
    };
    const tombstoneId = await addTombstone(trx, {
      kind: outcome === 'erased' ? 'customer.erased' : 'customer.restricted',
      targetType: 'customer',
      targetId: customerId,
      details: facts,
    });
    await appendAudit(trx, {
      actor: request.actor,
      action: 'customer.erase',
      targetType: 'customer',
      targetId: customerId,
      details: { ...facts, tombstoneId, reason: oneLine(request.reason) },
    });
    return {
      customerId,
      outcome,
      erasedDocuments: removal.removed,
      retained,
      shreddedKeys: shredded.length,
      blobsDeleted: removal.blobsDeleted + orphans.blobsDeleted,
      tombstoneId,
    };
  });
}

function groupRetained(
  kept: readonly { communicationType: string; asOf: string }[],
  policy: RetentionPolicy,
): RetainedGroup[] {
  const groups = new Map<string, RetainedGroup>();
  for (const doc of kept) {
    const rule = ruleFor(policy, doc.communicationType);
    const until = expiryDate(doc.asOf, rule.keep);
    const group = groups.get(doc.communicationType) ?? {
      communicationType: doc.communicationType,
      documents: 0,
      until,
      basis: rule.basis,
    };
    group.documents += 1;
    if (until > group.until) group.until = until;
    groups.set(doc.communicationType, group);
  }
  return [...groups.values()].sort((a, b) => a.communicationType.localeCompare(b.communicationType));
}

/** CR/LF and control characters out (CWE-117), bounded length. */
function oneLine(text: string): string {
  return [...text]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .slice(0, 500);
}

/**
 * After a purge: a restricted customer (erased but for documents under a legal hold) whose held
 * documents of a type are all gone loses that type's data key; with nothing left at all, the
 * restriction becomes a full erasure (a `customer.erased` tombstone). Returns those customers.
 */
export async function completeRestrictedErasures(
  db: Kysely<Database>,
  customerIds: readonly string[],
): Promise<string[]> {
  const completed: string[] = [];
  for (const customerId of customerIds) {
    const [latest] = await erasureRecords(db, customerId);
    if (latest?.kind !== 'customer.restricted') continue;
    const remaining = new Set((await listCustomerDocuments(db, customerId)).map((d) => d.communicationType));
    const scopes = (await listDataKeyScopes(db, customerId)).filter((s) => !remaining.has(s));
    await inTransaction(db, async (trx) => {
      const shredded = await shredDataKeys(trx, customerId, scopes);
      if (remaining.size > 0) return;
      await addTombstone(trx, {
        kind: 'customer.erased',
        targetType: 'customer',
        targetId: customerId,
        details: {
          outcome: 'erased',
          after: 'retention',
          shreddedKeys: shredded.length,
          restrictedBy: latest.id,
        },
      });
      completed.push(customerId);
    });
  }
  return completed;
}

/** The customer's erasure or restriction, newest first (e.g. for the API to refuse or limit access). */
export async function erasureRecords(db: Kysely<Database>, customerId: string): Promise<Tombstone[]> {
  return (await listTombstones(db, 'customer', customerId)).filter((t) => t.kind.startsWith('customer.'));
}
