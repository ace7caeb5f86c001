import type { Kysely } from 'kysely';
import { sha256Hex } from '../core/hash.ts';
import { appendLogEntry } from './archive-log.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** Who did what to which record: every view of a customer's document lands here (invariant 4). */
export interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** Ids and facts only, never personal data. */
  details: Record<string, unknown>;
  at: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'details'> & {
  details?: Record<string, unknown>;
  at?: string;
};

/**
 * Adds the audit row and, in the same transaction, its entry in the tamper-evident archive log
 * (RELIABILITY A4: the access log uses it too), so an audit row cannot be changed or dropped unseen.
 */
export async function appendAudit(db: Kysely<Database>, entry: NewAuditEntry): Promise<void> {
  const at = entry.at ?? nowIso();
  const details = canonicalJson(entry.details ?? {});
  await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('audit_log')
      .values({
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        details,
        at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendLogEntry(trx, {
      kind: 'audit',
      ref: String(row.id),
      at,
      data: auditLogData({ ...entry, id: Number(row.id), details: parseJson(details), at }),
    });
  });
}

/**
 * What the log records of an audit row: every column, so any change to the row is detected; the
 * details only as their sha256, so free text in them (an erasure's reason) is not copied into the
 * append-only log.
 */
export function auditLogData(entry: AuditEntry): Record<string, unknown> {
  return {
    auditId: entry.id,
    actor: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    detailsSha256: sha256Hex(canonicalJson(entry.details)),
  };
}

/** Newest first, optionally narrowed to one target or one actor; `beforeId` pages backwards. */
export async function listAudit(
  db: Kysely<Database>,
  filter: { targetType?: string; targetId?: string; actor?: string; beforeId?: number; limit?: number } = {},
): Promise<AuditEntry[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    actor: r.actor,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: parseJson<Record<string, unknown>>(r.details),
    at: r.at,
  }));
}
