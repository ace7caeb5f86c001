import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/index.ts';
import { isMissiveError } from '../../core/errors.ts';
import { type CommunicationRecord, type Database, getCommunication } from '../../store/index.ts';
import { authorizeCommunication, readCommunicationDocument, type ViewContext } from './document-access.ts';

/** What the viewer can show of a communication's document. */
export type DocumentState = 'verified' | 'tampered' | 'unreadable' | 'no-document';

/**
 * The communication with the state of its document for the agent's viewer: the verified bytes, or
 * why there are none (tampered, missing from the archive, never made). The read is audited as
 * readCommunicationDocument audits it; refusals (403/404) are thrown as they are. A server without
 * an archive shows every document as not readable — after the same ownership check.
 */
export async function documentWithState(
  db: Kysely<Database>,
  blobs: BlobStore | undefined,
  customerId: string,
  communicationId: string,
  ctx: ViewContext,
): Promise<{ communication: CommunicationRecord; state: DocumentState; bytes: Uint8Array | undefined }> {
  if (!blobs) {
    const communication = await authorizeCommunication(db, customerId, communicationId, ctx, 'document.view');
    return {
      communication,
      state: communication.artifactSha256 ? 'unreadable' : 'no-document',
      bytes: undefined,
    };
  }
  try {
    const { communication, bytes } = await readCommunicationDocument(
      db,
      blobs,
      customerId,
      communicationId,
      ctx,
    );
    return { communication, state: 'verified', bytes };
  } catch (err) {
    if (!isMissiveError(err) || !['MSV_ARCHIVE_TAMPERED', 'MSV_ARCHIVE_NOT_FOUND'].includes(err.code))
      throw err;
    const communication = (await getCommunication(db, communicationId))!;
    const state: DocumentState =
      err.code === 'MSV_ARCHIVE_TAMPERED'
        ? 'tampered'
        : communication.artifactSha256
          ? 'unreadable'
          : 'no-document';
    return { communication, state, bytes: undefined };
  }
}
