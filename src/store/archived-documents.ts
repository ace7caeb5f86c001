import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Archived documents with the facts retention and erasure decide on: the run's communication type and
 * as-of date. Documents already removed (a tombstone on the communication) are never listed.
 */
export interface ArchivedDocument {
  communicationId: string;
  runId: string;
  customerId: string;
  communicationType: string;
  channel: string;
  asOf: string;
  artifactSha256: string;
  artifactSize: number;
}

function documents(db: Kysely<Database>) {
  return db
    .selectFrom('communications as c')
    .innerJoin('runs as r', 'r.id', 'c.run_id')
    .select([
      'c.id',
      'c.run_id',
      'c.customer_id',
      'r.communication_type',
      'c.channel',
      'r.as_of',
      'c.artifact_sha256',
      'c.artifact_size',
    ])
    .where('c.artifact_sha256', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('archive_tombstones as t')
            .select('t.id')
            .where('t.target_type', '=', 'communication')
            .whereRef('t.target_id', '=', 'c.id'),
        ),
      ),
    );
}

type Row = {
  id: string;
  run_id: string;
  customer_id: string;
  communication_type: string;
  channel: string;
  as_of: string;
  artifact_sha256: string | null;
  artifact_size: number | null;
};

function toDocument(r: Row): ArchivedDocument {
  return {
    communicationId: r.id,
    runId: r.run_id,
    customerId: r.customer_id,
    communicationType: r.communication_type,
    channel: r.channel,
    asOf: r.as_of,
    artifactSha256: r.artifact_sha256!,
    artifactSize: Number(r.artifact_size ?? 0),
  };
}

/**
 * Documents dated before `before` (YYYY-MM-DD), of the given types, or of every type except `exceptTypes`.
 * Keyset-paged by communication id.
 */
export async function listDocumentsDatedBefore(
  db: Kysely<Database>,
  filter: { before: string; types?: readonly string[]; exceptTypes?: readonly string[] },
  page: { afterId?: string | null; limit: number },
): Promise<ArchivedDocument[]> {
  if (filter.types?.length === 0) return [];
  let query = documents(db).where('r.as_of', '<', filter.before).orderBy('c.id').limit(page.limit);
  if (filter.types) query = query.where('r.communication_type', 'in', filter.types);
  if (filter.exceptTypes && filter.exceptTypes.length > 0) {
    query = query.where('r.communication_type', 'not in', filter.exceptTypes);
  }
  if (page.afterId) query = query.where('c.id', '>', page.afterId);
  return (await query.execute()).map(toDocument);
}

/** Every document of one customer still in the archive. */
export async function listCustomerDocuments(
  db: Kysely<Database>,
  customerId: string,
): Promise<ArchivedDocument[]> {
  const rows = await documents(db).where('c.customer_id', '=', customerId).orderBy('c.id').execute();
  return rows.map(toDocument);
}

/**
 * Does any document still in the archive use these bytes, as its own artifact or as a PDF attached
 * to its e-mail (a statement e-mail names its PDF by reference)? A blob goes only when none does.
 */
export async function isArtifactStillReferenced(
  db: Kysely<Database>,
  artifactSha256: string,
): Promise<boolean> {
  const row = await documents(db).where('c.artifact_sha256', '=', artifactSha256).limit(1).executeTakeFirst();
  if (row !== undefined) return true;
  const attached = await documents(db)
    .where('c.id', 'in', (eb) =>
      eb
        .selectFrom('communication_attachments')
        .select('communication_id')
        .where('sha256', '=', artifactSha256),
    )
    .limit(1)
    .executeTakeFirst();
  return attached !== undefined;
}
