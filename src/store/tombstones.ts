import type { Kysely } from 'kysely';
import { appendLogEntry } from './archive-log.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/**
 * What retention or erasure removed, kept for good and free of personal data (ids, types, dates,
 * hashes, counts). Each tombstone also goes into the tamper-evident log, in the same transaction.
 */

export type TombstoneKind = 'document.purged' | 'document.erased' | 'customer.erased' | 'customer.restricted';

export interface Tombstone {
  id: number;
  kind: TombstoneKind;
  targetType: 'communication' | 'customer';
  targetId: string;
  details: Record<string, unknown>;
  at: string;
}

/**
 * Appends a tombstone (what was erased or purged, by whom, when) to the access log in one transaction;
 * returns its id.
 */
export async function addTombstone(
  db: Kysely<Database>,
  tombstone: Omit<Tombstone, 'id' | 'at'> & { at?: string },
): Promise<number> {
  const at = tombstone.at ?? nowIso();
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('archive_tombstones')
      .values({
        kind: tombstone.kind,
        target_type: tombstone.targetType,
        target_id: tombstone.targetId,
        details: canonicalJson(tombstone.details),
        at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendLogEntry(trx, {
      kind: 'tombstone',
      ref: String(id),
      at,
      data: {
        tombstoneId: id,
        tombstoneKind: tombstone.kind,
        targetType: tombstone.targetType,
        targetId: tombstone.targetId,
        details: tombstone.details,
      },
    });
    return id;
  });
}

/** Newest first. */
export async function listTombstones(
  db: Kysely<Database>,
  targetType: Tombstone['targetType'],
  targetId: string,
): Promise<Tombstone[]> {
  const rows = await db
    .selectFrom('archive_tombstones')
    .selectAll()
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as TombstoneKind,
    targetType: r.target_type as Tombstone['targetType'],
    targetId: r.target_id,
    details: parseJson<Record<string, unknown>>(r.details),
    at: r.at,
  }));
}
