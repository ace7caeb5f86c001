import type { Kysely } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database } from './schema.ts';

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

export async function appendAudit(db: Kysely<Database>, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      details: canonicalJson(entry.details ?? {}),
      at: entry.at ?? nowIso(),
    })
    .execute();
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
