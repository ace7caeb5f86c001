import { type Kysely, sql } from 'kysely';
import type { AuditEntry } from './audit.ts';
import { parseJson } from './json.ts';
import type { Database } from './schema.ts';

/** The queries `missive archive verify` cross-checks the log with: ledger rows, audit rows, tombstones. */

export interface LedgerDocument {
  id: string;
  artifactSha256: string;
  createdAt: string;
  /** True when retention or erasure removed the document (its blob may be gone on purpose). */
  removed: boolean;
}

/** Artifact hashes of these communications (the ones the log's document entries name). */
export async function getArtifactHashes(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('communications')
    .select(['id', 'artifact_sha256'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.artifact_sha256]));
}

/** Audit rows by id (the ones the log's audit entries name). */
export async function getAuditRows(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, AuditEntry>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('audit_log').selectAll().where('id', 'in', ids).execute();
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        id: Number(r.id),
        actor: r.actor,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        details: parseJson<Record<string, unknown>>(r.details),
        at: r.at,
      },
    ]),
  );
}

/** Ledger rows with a document but no `document` entry in the log, oldest first. */
export async function listUnloggedDocuments(
  db: Kysely<Database>,
  limit: number,
): Promise<{ id: string; createdAt: string }[]> {
  const rows = await db
    .selectFrom('communications as c')
    .leftJoin('archive_log as l', (join) => join.on('l.kind', '=', 'document').onRef('l.ref', '=', 'c.id'))
    .select(['c.id', 'c.created_at'])
    .where('c.artifact_sha256', 'is not', null)
    .where('l.seq', 'is', null)
    .orderBy('c.created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
}

/** Audit rows with no `audit` entry in the log, oldest first. */
export async function listUnloggedAudits(
  db: Kysely<Database>,
  limit: number,
): Promise<{ id: number; at: string }[]> {
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('archive_log as l', (join) =>
      join.on('l.kind', '=', 'audit').on('l.ref', '=', sql<string>`cast(${sql.ref('a.id')} as text)`),
    )
    .select(['a.id', 'a.at'])
    .where('l.seq', 'is', null)
    .orderBy('a.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), at: r.at }));
}

/** Keyset page of ledger rows that have a document, by id, with whether it was removed on purpose. */
export async function listLedgerDocuments(
  db: Kysely<Database>,
  afterId: string | null,
  limit: number,
): Promise<LedgerDocument[]> {
  let query = db
    .selectFrom('communications as c')
    .select((eb) => [
      'c.id',
      'c.artifact_sha256',
      'c.created_at',
      eb
        .exists(
          eb
            .selectFrom('archive_tombstones as t')
            .select('t.id')
            .where('t.target_type', '=', 'communication')
            .whereRef('t.target_id', '=', 'c.id'),
        )
        .as('removed'),
    ])
    .where('c.artifact_sha256', 'is not', null)
    .orderBy('c.id')
    .limit(limit);
  if (afterId !== null) query = query.where('c.id', '>', afterId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    artifactSha256: r.artifact_sha256!,
    createdAt: r.created_at,
    removed: Boolean(Number(r.removed)),
  }));
}
