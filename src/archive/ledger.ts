import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { Artifact, ChannelKind } from '../core/types.ts';
import {
  appendLogEntry,
  clearPendingBlobs,
  type Database,
  type DataKey,
  insertCommunicationIfAbsent,
  inTransaction,
  recordPendingBlobs,
  saveCommunicationInput,
  transitionCommunicationStatus,
} from '../store/index.ts';
import type { BlobStore } from './blob-store.ts';
import {
  currentRuntime,
  type InputSnapshot,
  type SealedInput,
  storeInputSnapshot,
} from './input-snapshot.ts';

export interface ArchiveRequest {
  runId: string;
  customerId: string;
  channel: ChannelKind;
  templateVersionId: string;
  /** sha256 of the inputs the document was rendered from (the snapshot's sha256 when one is given). */
  inputSha256: string;
  artifact: Artifact;
  /** The exact rendering inputs, kept (sealed) so `missive verify` can replay the document. */
  input?: InputSnapshot | undefined;
  /** An agent's corrected copy: the communication it corrects (the ledger row's `copy_of`). */
  correctionOf?: string | undefined;
}

/**
 * Stores the bytes first (content-addressed, idempotent), and the sealed input snapshot, then in one
 * transaction the ledger row (unique on run × customer × channel), its entry in the tamper-evident
 * log and the snapshot's row. A crash before the transaction leaves blobs recorded as pending, which
 * the next attempt finds already stored and commits, or `archive purge` removes (orphan-blobs.ts);
 * it can never leave a ledger row pointing at missing bytes, nor a ledger row without its log entry.
 */
export async function archiveDocument(
  db: Kysely<Database>,
  blobs: BlobStore,
  request: ArchiveRequest,
): Promise<{ communicationId: string; inserted: boolean; blobCreated: boolean }> {
  const stored = await storeDocument(db, blobs, request);
  const { inserted, communicationId } = await recordDocument(db, stored);
  return { communicationId, inserted, blobCreated: stored.blobCreated };
}

/** A document whose bytes (and sealed inputs) are stored, waiting for its ledger row. */
export interface StoredDocument {
  request: ArchiveRequest;
  blobCreated: boolean;
  sealed: SealedInput | undefined;
}

/**
 * The first half of archiveDocument: the bytes and the sealed input snapshot, stored. Nothing
 * refers to them until recordDocument writes the ledger row, which a run chunk does for many
 * documents in one transaction. `key`: the customer's data key, when the caller has it already.
 */
export async function storeDocument(
  db: Kysely<Database>,
  blobs: BlobStore,
  request: ArchiveRequest,
  key?: DataKey,
): Promise<StoredDocument> {
  const { artifact, input } = request;
  if (input && input.sha256 !== request.inputSha256) {
    throw new MissiveError('MSV_ARCHIVE_TAMPERED', 'inputSha256 is not the sha256 of the input snapshot');
  }
  // Pending until recordDocument commits: a crash in between leaves a known orphan (orphan-blobs.ts).
  const pending = (sha256: string) => ({
    sha256,
    runId: request.runId,
    customerId: request.customerId,
    channel: request.channel,
    createdAt: new Date().toISOString(),
  });
  await recordPendingBlobs(db, [pending(artifact.sha256)]);
  const blob = await blobs.put(artifact.bytes, artifact.sha256);
  const sealed = input ? await storeInputSnapshot(db, blobs, request.customerId, input, key) : undefined;
  // The sealed inputs' hash is known only once sealed: recorded just after (they are encrypted with
  // the customer's key, so even an orphan there is unreadable once the customer is erased).
  if (sealed) await recordPendingBlobs(db, [pending(sealed.blobSha256)]);
  return { request, blobCreated: blob.created, sealed };
}

/**
 * The second half: in one transaction (the caller's, when it is one) the ledger row, its log entry
 * and the snapshot's row. `inserted` is false when the row existed already (a retried chunk).
 */
export async function recordDocument(
  db: Kysely<Database>,
  stored: StoredDocument,
): Promise<{ communicationId: string; inserted: boolean }> {
  const { request, sealed } = stored;
  const { artifact } = request;
  const { inserted, id } = await inTransaction(db, async (trx) => {
    const row = await insertCommunicationIfAbsent(trx, {
      runId: request.runId,
      customerId: request.customerId,
      channel: request.channel,
      templateVersionId: request.templateVersionId,
      status: 'archived',
      reason: null,
      inputSha256: request.inputSha256,
      artifactSha256: artifact.sha256,
      artifactSize: artifact.size,
      pages: artifact.pages ?? null,
      ...(request.correctionOf ? { copyOf: request.correctionOf, copyKind: 'correction' as const } : {}),
    });
    await clearPendingBlobs(trx, request);
    if (!row.inserted) return row;
    await appendLogEntry(trx, {
      kind: 'document',
      ref: row.id,
      data: {
        ...documentLogData(row.id, request.channel, artifact),
        ...(request.correctionOf ? { copyOf: request.correctionOf } : {}),
      },
    });
    if (sealed) await saveSealedInput(trx, row.id, request.inputSha256, sealed);
    return row;
  });
  return { communicationId: id, inserted };
}

/**
 * A document for a ledger row that exists already, `pending` without bytes: the paper copy of a
 * statement whose e-mail bounced (dispatch inserts the row, the run's close renders it). Stored and
 * sealed as storeDocument does, then in one transaction the row becomes `archived` with its bytes
 * and inputs, gets its log entry and its snapshot row. False when the row was no longer pending.
 */
export async function archiveIntoPendingRow(
  db: Kysely<Database>,
  blobs: BlobStore,
  communicationId: string,
  request: ArchiveRequest & { reason: string },
): Promise<boolean> {
  const { sealed } = await storeDocument(db, blobs, request);
  const { artifact } = request;
  return inTransaction(db, async (trx) => {
    const changed = await transitionCommunicationStatus(trx, communicationId, {
      from: ['pending'],
      to: 'archived',
      reason: request.reason,
      patch: {
        artifactSha256: artifact.sha256,
        artifactSize: artifact.size,
        pages: artifact.pages ?? null,
        inputSha256: request.inputSha256,
      },
    });
    await clearPendingBlobs(trx, request);
    if (!changed) return false;
    await appendLogEntry(trx, {
      kind: 'document',
      ref: communicationId,
      data: documentLogData(communicationId, request.channel, artifact),
    });
    if (sealed) await saveSealedInput(trx, communicationId, request.inputSha256, sealed);
    return true;
  });
}

async function saveSealedInput(
  trx: Kysely<Database>,
  communicationId: string,
  inputSha256: string,
  sealed: SealedInput,
): Promise<void> {
  const runtime = currentRuntime();
  await saveCommunicationInput(trx, {
    communicationId,
    inputSha256,
    blobSha256: sealed.blobSha256,
    keyId: sealed.keyId,
    nodeVersion: runtime.node,
    icuVersion: runtime.icu,
  });
}

/** What the log records of an archived document (RELIABILITY A4): hash, delivery key, channel. No PII. */
export function documentLogData(
  communicationId: string,
  channel: ChannelKind,
  artifact: Pick<Artifact, 'sha256' | 'size' | 'mime'>,
): Record<string, unknown> {
  return {
    communicationId,
    channel,
    docHash: artifact.sha256,
    size: artifact.size,
    mime: artifact.mime,
  };
}
