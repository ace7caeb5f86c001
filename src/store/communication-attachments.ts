import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** An archived document an e-mail carried: what the ledger records of each attachment. */
export interface AttachmentRecord {
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
}

/** Records what an e-mail communication carries, in the ledger row's transaction; idempotent. */
export async function recordAttachments(
  db: Kysely<Database>,
  communicationId: string,
  attachments: readonly AttachmentRecord[],
): Promise<void> {
  if (attachments.length === 0) return;
  await db
    .insertInto('communication_attachments')
    .values(
      attachments.map((a, position) => ({
        communication_id: communicationId,
        position,
        name: a.name,
        media_type: a.mediaType,
        sha256: a.sha256,
        size: a.size,
      })),
    )
    .onConflict((oc) => oc.columns(['communication_id', 'position']).doNothing())
    .execute();
}

/** The attachments recorded for a communication (name, media type, sha256, size), in order; none → []. */
export async function listAttachments(
  db: Kysely<Database>,
  communicationId: string,
): Promise<AttachmentRecord[]> {
  const rows = await db
    .selectFrom('communication_attachments')
    .selectAll()
    .where('communication_id', '=', communicationId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ name: r.name, mediaType: r.media_type, sha256: r.sha256, size: Number(r.size) }));
}

/** The attachments of many communications at once (a page of the ledger), with whose they are. */
export async function listAttachmentsOf(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<(AttachmentRecord & { communicationId: string })[]> {
  if (communicationIds.length === 0) return [];
  const rows = await db
    .selectFrom('communication_attachments')
    .selectAll()
    .where('communication_id', 'in', communicationIds)
    .orderBy('communication_id')
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    communicationId: r.communication_id,
    name: r.name,
    mediaType: r.media_type,
    sha256: r.sha256,
    size: Number(r.size),
  }));
}
