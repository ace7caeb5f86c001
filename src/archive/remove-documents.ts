import type { Kysely } from 'kysely';
import {
  type ArchivedDocument,
  addTombstone,
  countInputsReferencing,
  type Database,
  deleteCommunicationInputs,
  deleteTrackedLinks,
  inTransaction,
  isArtifactStillReferenced,
  listAttachments,
  type TombstoneKind,
} from '../store/index.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * Removes archived documents the one sanctioned way (DESIGN: the archive mutates only through a
 * retention policy, or an erasure): per document, in one transaction, a PII-free tombstone (also
 * appended to the tamper-evident log), the end of its input snapshot row and of its tracked links;
 * then each blob (its bytes, the PDFs its e-mail carried, its sealed inputs) that no remaining document
 * or snapshot refers to is deleted. The ledger row stays:
 * the delivery happened.
 */
export interface RemovalOutcome {
  removed: number;
  blobsDeleted: number;
  bytesFreed: number;
}

export async function removeDocuments(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  documents: readonly Omit<ArchivedDocument, 'customerId'>[],
  kind: Extract<TombstoneKind, 'document.purged' | 'document.erased'>,
  why: Record<string, unknown>,
): Promise<RemovalOutcome> {
  const candidates = new Map<string, number>();
  for (const doc of documents) {
    const inputBlobs = await inTransaction(deps.db, async (trx) => {
      await addTombstone(trx, {
        kind,
        targetType: 'communication',
        targetId: doc.communicationId,
        details: {
          runId: doc.runId,
          communicationType: doc.communicationType,
          channel: doc.channel,
          asOf: doc.asOf,
          artifactSha256: doc.artifactSha256,
          bytes: doc.artifactSize,
          ...why,
        },
      });
      // Its tracked links go with it: a link in a removed message no longer leads anywhere (404).
      await deleteTrackedLinks(trx, [doc.communicationId]);
      return deleteCommunicationInputs(trx, [doc.communicationId]);
    });
    candidates.set(doc.artifactSha256, doc.artifactSize);
    // A statement e-mail's PDF is its own blob, named by reference: it goes with the e-mail.
    for (const a of await listAttachments(deps.db, doc.communicationId)) candidates.set(a.sha256, a.size);
    for (const sha of inputBlobs) candidates.set(sha, -1);
  }
  const outcome: RemovalOutcome = { removed: documents.length, blobsDeleted: 0, bytesFreed: 0 };
  for (const [sha, size] of candidates) {
    const inUse =
      size >= 0
        ? await isArtifactStillReferenced(deps.db, sha)
        : (await countInputsReferencing(deps.db, sha)) > 0;
    if (inUse || !deps.blobs.delete) continue;
    if (await deps.blobs.delete(sha)) {
      outcome.blobsDeleted += 1;
      outcome.bytesFreed += Math.max(size, 0);
    }
  }
  return outcome;
}
