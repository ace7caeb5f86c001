import type { Kysely } from 'kysely';
import { parseJson } from './json.ts';
import type { Database } from './schema.ts';

/**
 * Corrected copies and their four-eyes state (migration 0022): one row per agent's request, found
 * again by (requester, the form's id) so a retried post makes one; decided once (compare-and-set on
 * `pending`). The values asked for are sealed (personal data); the row names only the paths changed.
 */
export type CorrectionStatus = 'pending' | 'applied' | 'refused';
export type CorrectionSend = 'none' | 'email' | 'print';

export interface CorrectionRecord {
  id: string;
  customerId: string;
  /** The communication corrected (the original, untouched). */
  communicationId: string;
  requestedBy: string;
  clientId: string;
  status: CorrectionStatus;
  /** The paths changed and whether each is an amount (no values). */
  fields: { path: string; amount: boolean }[];
  changesAmount: boolean;
  send: CorrectionSend;
  /** The requested values, sealed with the customer's data key (base64); null once applied or refused. */
  sealedChanges: string | null;
  keyId: string | null;
  reason: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  /** The new version (a ledger row, `copy_of` the original) once applied. */
  correctionId: string | null;
}

type Row = Database['communication_corrections'] extends infer T ? { [K in keyof T]: T[K] } : never;

function toRecord(row: Row): CorrectionRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    communicationId: row.communication_id,
    requestedBy: row.requested_by,
    clientId: row.client_id,
    status: row.status as CorrectionStatus,
    fields: parseJson(row.fields) as CorrectionRecord['fields'],
    changesAmount: row.changes_amount === 1,
    send: row.send as CorrectionSend,
    sealedChanges: row.sealed_changes,
    keyId: row.key_id,
    reason: row.reason,
    requestedAt: row.requested_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
    correctionId: row.correction_id,
  };
}

/** Records a request; false when (requester, form id) was recorded before (a retried post). */
export async function insertCorrection(
  db: Kysely<Database>,
  c: Omit<CorrectionRecord, 'decidedBy' | 'decidedAt' | 'decisionReason' | 'correctionId'>,
): Promise<boolean> {
  const result = await db
    .insertInto('communication_corrections')
    .values({
      id: c.id,
      customer_id: c.customerId,
      communication_id: c.communicationId,
      requested_by: c.requestedBy,
      client_id: c.clientId,
      status: c.status,
      fields: JSON.stringify(c.fields),
      changes_amount: c.changesAmount ? 1 : 0,
      send: c.send,
      sealed_changes: c.sealedChanges,
      key_id: c.keyId,
      reason: c.reason,
      requested_at: c.requestedAt,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      correction_id: null,
    })
    .onConflict((oc) => oc.columns(['requested_by', 'client_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getCorrection(db: Kysely<Database>, id: string): Promise<CorrectionRecord | undefined> {
  const row = await db
    .selectFrom('communication_corrections')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function getCorrectionByClient(
  db: Kysely<Database>,
  requestedBy: string,
  clientId: string,
): Promise<CorrectionRecord | undefined> {
  const row = await db
    .selectFrom('communication_corrections')
    .selectAll()
    .where('requested_by', '=', requestedBy)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Corrections of one communication, or of every communication with a status (the approval queue), oldest first. */
export async function listCorrections(
  db: Kysely<Database>,
  filter: { communicationId?: string | undefined; status?: CorrectionStatus | undefined; limit?: number },
): Promise<CorrectionRecord[]> {
  let q = db.selectFrom('communication_corrections').selectAll();
  if (filter.communicationId) q = q.where('communication_id', '=', filter.communicationId);
  if (filter.status) q = q.where('status', '=', filter.status);
  const rows = await q
    .orderBy('requested_at')
    .orderBy('id')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map(toRecord);
}

/**
 * Decides a pending correction once: applied (with its new version) or refused. The sealed values are
 * dropped. False when it was no longer pending (decided meanwhile).
 */
export async function decideCorrection(
  db: Kysely<Database>,
  id: string,
  d: {
    status: Exclude<CorrectionStatus, 'pending'>;
    decidedBy: string;
    decidedAt: string;
    reason: string | null;
    correctionId: string | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('communication_corrections')
    .set({
      status: d.status,
      decided_by: d.decidedBy,
      decided_at: d.decidedAt,
      decision_reason: d.reason,
      correction_id: d.correctionId,
      sealed_changes: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The corrected versions of communications: original id → its corrections' communication ids, oldest first. */
export async function listCorrectedBy(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (communicationIds.length === 0) return map;
  const rows = await db
    .selectFrom('communications')
    .select(['id', 'copy_of'])
    .where('copy_kind', '=', 'correction')
    .where('copy_of', 'in', [...communicationIds])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    if (!r.copy_of) continue;
    map.set(r.copy_of, [...(map.get(r.copy_of) ?? []), r.id]);
  }
  return map;
}
