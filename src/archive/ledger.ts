import type { Kysely } from 'kysely';
import type { Artifact, ChannelKind } from '../core/types.ts';
import { insertCommunicationIfAbsent } from '../store/communications.ts';
import type { Database } from '../store/schema.ts';
import type { BlobStore } from './blob-store.ts';

export interface ArchiveRequest {
  runId: string;
  customerId: string;
  channel: ChannelKind;
  templateVersionId: string;
  /** sha256 of the inputs the document was rendered from (template version, data, as-of date). */
  inputSha256: string;
  artifact: Artifact;
}

/**
 * Stores the bytes first (content-addressed, idempotent), then the ledger row (unique on run ×
 * customer × channel). A crash between the two leaves an unreferenced blob that the next attempt
 * finds already stored; it can never leave a ledger row pointing at missing bytes.
 */
export async function archiveDocument(
  db: Kysely<Database>,
  blobs: BlobStore,
  request: ArchiveRequest,
): Promise<{ communicationId: string; inserted: boolean; blobCreated: boolean }> {
  const { artifact } = request;
  const blob = await blobs.put(artifact.bytes, artifact.sha256);
  const { inserted, id } = await insertCommunicationIfAbsent(db, {
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
  });
  return { communicationId: id, inserted, blobCreated: blob.created };
}
