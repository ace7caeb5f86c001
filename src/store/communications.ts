import type { Kysely, Selectable } from 'kysely';
import { deliveryKey } from '../core/delivery-key.ts';
import { MissiveError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import type { ChannelKind, Communication, CommunicationStatus } from '../core/types.ts';
import { nowIso } from './json.ts';
import type { CommunicationsTable, Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** The ledger: one row per (run, customer, channel), and every status it went through. */

export const COMMUNICATION_STATUSES: readonly CommunicationStatus[] = [
  'pending',
  'archived',
  'sending',
  'sent',
  'unknown',
  'failed',
  'suppressed',
  'in_print_file',
  'printed',
  'mailed',
  'spoiled',
];

export interface CommunicationRecord extends Communication {
  providerId: string | null;
  /** hash(run, customer, template version, channel); null on rows older than dispatch. */
  deliveryKey: string | null;
  attempts: number;
  errorCode: string | null;
  providerStatus: string | null;
  segments: number | null;
  cost: string | null;
  costUnit: string | null;
  fallbackOf: string | null;
  /** The communication this one is an agent's copy of, and how (resend, reprint). */
  copyOf: string | null;
  copyKind: CopyKind | null;
}

/** An agent's copy of a communication: the same archived bytes again by e-mail, or on paper. */
export type CopyKind = 'resend' | 'reprint' | 'correction';

export interface NewCommunication {
  runId: string;
  customerId: string;
  channel: ChannelKind;
  templateVersionId: string;
  inputSha256: string;
  status?: CommunicationStatus;
  reason?: string | null;
  artifactSha256?: string | null;
  artifactSize?: number | null;
  pages?: number | null;
  providerId?: string | null;
  /** The communication this one replaces (fallback to another channel). */
  fallbackOf?: string | null;
  /** The communication this one is an agent's copy of (resend, reprint). */
  copyOf?: string | null;
  copyKind?: CopyKind | null;
}

/** Fields that a status change may fill in at the same time (after archiving, after sending). */
export interface CommunicationPatch {
  artifactSha256?: string | null;
  artifactSize?: number | null;
  pages?: number | null;
  /** The inputs the document was rendered from, when it is archived into an existing row (fallback paper). */
  inputSha256?: string;
  providerId?: string | null;
  errorCode?: string | null;
  providerStatus?: string | null;
  segments?: number | null;
  cost?: string | null;
  costUnit?: string | null;
  /** Count one more send attempt. */
  attempt?: boolean;
}

export interface StatusChange {
  status: CommunicationStatus;
  reason: string | null;
  at: string;
  /** The provider's or Missive's code for the change (SMTP 451, Twilio 21211, MSV_…), if any. */
  code?: string | null;
}

/** Deterministic: the same (run, customer, channel) always has the same id. */
export function communicationId(runId: string, customerId: string, channel: ChannelKind): string {
  return stableId('com', runId, customerId, channel);
}

/**
 * Adds the ledger row unless (run, customer, channel) already has one; a retried or resumed run
 * gets `inserted: false` and the existing id. A new row's first status goes into the history too.
 */
export async function insertCommunicationIfAbsent(
  db: Kysely<Database>,
  row: NewCommunication,
): Promise<{ inserted: boolean; id: string }> {
  const id = communicationId(row.runId, row.customerId, row.channel);
  const status = row.status ?? 'pending';
  const reason = row.reason ?? null;
  const now = nowIso();
  return inTransaction(db, async (trx) => {
    const result = await trx
      .insertInto('communications')
      .values({
        id,
        run_id: row.runId,
        customer_id: row.customerId,
        channel: row.channel,
        template_version_id: row.templateVersionId,
        status,
        reason,
        input_sha256: row.inputSha256,
        artifact_sha256: row.artifactSha256 ?? null,
        artifact_size: row.artifactSize ?? null,
        pages: row.pages ?? null,
        provider_id: row.providerId ?? null,
        created_at: now,
        updated_at: now,
        delivery_key: deliveryKey(row.runId, row.customerId, row.templateVersionId, row.channel),
        attempts: 0,
        fallback_of: row.fallbackOf ?? null,
        ...(row.copyOf ? { copy_of: row.copyOf, copy_kind: row.copyKind ?? null } : {}),
      })
      .onConflict((oc) => oc.columns(['run_id', 'customer_id', 'channel']).doNothing())
      .executeTakeFirst();
    const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    if (inserted) await appendHistory(trx, id, { status, reason, at: now });
    return { inserted, id };
  });
}

/** One communication of the ledger by id, or undefined. */
export async function getCommunication(
  db: Kysely<Database>,
  id: string,
): Promise<CommunicationRecord | undefined> {
  const row = await db.selectFrom('communications').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToCommunication(row) : undefined;
}

/** The communication a provider id (SMTP Message-ID, Twilio SID) belongs to: status callbacks. */
export async function findCommunicationByProviderId(
  db: Kysely<Database>,
  providerId: string,
): Promise<CommunicationRecord | undefined> {
  const row = await db
    .selectFrom('communications')
    .selectAll()
    .where('provider_id', '=', providerId)
    .executeTakeFirst();
  return row ? rowToCommunication(row) : undefined;
}

/** The communication with this delivery key (a status callback names it in its URL). */
export async function findCommunicationByDeliveryKey(
  db: Kysely<Database>,
  deliveryKey: string,
): Promise<CommunicationRecord | undefined> {
  const row = await db
    .selectFrom('communications')
    .selectAll()
    .where('delivery_key', '=', deliveryKey)
    .executeTakeFirst();
  return row ? rowToCommunication(row) : undefined;
}

/** Sets the provider's delivery status without a status change (queued → delivered is still `sent`). */
export async function setProviderStatus(
  db: Kysely<Database>,
  id: string,
  providerStatus: string,
  patch: Pick<CommunicationPatch, 'cost' | 'costUnit' | 'errorCode' | 'segments'> = {},
): Promise<void> {
  await db
    .updateTable('communications')
    .set({ provider_status: providerStatus, updated_at: nowIso(), ...patchColumns(patch) })
    .where('id', '=', id)
    .execute();
}

/** The communication of (run, customer, channel), the ledger's unique key, or undefined. */
export async function findCommunication(
  db: Kysely<Database>,
  runId: string,
  customerId: string,
  channel: ChannelKind,
): Promise<CommunicationRecord | undefined> {
  const row = await db
    .selectFrom('communications')
    .selectAll()
    .where('run_id', '=', runId)
    .where('customer_id', '=', customerId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  return row ? rowToCommunication(row) : undefined;
}

/** Sets the status (and any patched fields) and records the change in the history, atomically. */
export async function setCommunicationStatus(
  db: Kysely<Database>,
  id: string,
  status: CommunicationStatus,
  reason: string | null = null,
  patch: CommunicationPatch = {},
): Promise<void> {
  const changed = await changeStatus(db, id, undefined, { status, reason, at: nowIso() }, patch);
  if (!changed) throw notFound(id);
}

/**
 * Compare-and-set: moves to `to` only if the current status is one of `from`, and says whether it
 * did. Two workers racing to send the same communication: exactly one wins `archived → sending`.
 */
export async function transitionCommunicationStatus(
  db: Kysely<Database>,
  id: string,
  change: {
    from: readonly CommunicationStatus[];
    to: CommunicationStatus;
    reason?: string | null;
    code?: string | null;
    patch?: CommunicationPatch;
  },
): Promise<boolean> {
  const next = { status: change.to, reason: change.reason ?? null, code: change.code ?? null, at: nowIso() };
  const changed = await changeStatus(db, id, change.from, next, change.patch ?? {});
  if (!changed && !(await getCommunication(db, id))) throw notFound(id);
  return changed;
}

async function changeStatus(
  db: Kysely<Database>,
  id: string,
  from: readonly CommunicationStatus[] | undefined,
  next: StatusChange,
  patch: CommunicationPatch,
): Promise<boolean> {
  if (from?.length === 0) return false;
  return inTransaction(db, async (trx) => {
    let update = trx
      .updateTable('communications')
      .set({ status: next.status, reason: next.reason, updated_at: next.at, ...patchColumns(patch) })
      .where('id', '=', id);
    if (patch.attempt) update = update.set((eb) => ({ attempts: eb('attempts', '+', 1) }));
    if (from) update = update.where('status', 'in', from);
    const result = await update.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await appendHistory(trx, id, next);
    return true;
  });
}

function patchColumns(patch: CommunicationPatch): Partial<Selectable<CommunicationsTable>> {
  const columns: Partial<Selectable<CommunicationsTable>> = {};
  if (patch.artifactSha256 !== undefined) columns.artifact_sha256 = patch.artifactSha256;
  if (patch.artifactSize !== undefined) columns.artifact_size = patch.artifactSize;
  if (patch.pages !== undefined) columns.pages = patch.pages;
  if (patch.inputSha256 !== undefined) columns.input_sha256 = patch.inputSha256;
  if (patch.providerId !== undefined) columns.provider_id = patch.providerId;
  if (patch.errorCode !== undefined) columns.error_code = patch.errorCode;
  if (patch.providerStatus !== undefined) columns.provider_status = patch.providerStatus;
  if (patch.segments !== undefined) columns.segments = patch.segments;
  if (patch.cost !== undefined) columns.cost = patch.cost;
  if (patch.costUnit !== undefined) columns.cost_unit = patch.costUnit;
  return columns;
}

async function appendHistory(db: Kysely<Database>, id: string, change: StatusChange): Promise<void> {
  await db
    .insertInto('communication_status_history')
    .values({
      communication_id: id,
      status: change.status,
      reason: change.reason,
      code: change.code ?? null,
      at: change.at,
    })
    .execute();
}

/** Oldest first. */
export async function listCommunicationStatusHistory(
  db: Kysely<Database>,
  id: string,
): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('communication_status_history')
    .select(['status', 'reason', 'code', 'at'])
    .where('communication_id', '=', id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    status: r.status as CommunicationStatus,
    reason: r.reason,
    code: r.code,
    at: r.at,
  }));
}

/** Every status with its count for the run, zeros included. */
export async function countCommunicationsByStatus(
  db: Kysely<Database>,
  runId: string,
): Promise<Record<CommunicationStatus, number>> {
  const rows = await db
    .selectFrom('communications')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(COMMUNICATION_STATUSES.map((s) => [s, 0])) as Record<
    CommunicationStatus,
    number
  >;
  for (const row of rows) counts[row.status as CommunicationStatus] = Number(row.n);
  return counts;
}

/** Newest first: what the call center sees. */
export async function listCommunicationsForCustomer(
  db: Kysely<Database>,
  customerId: string,
  options: { limit?: number } = {},
): Promise<CommunicationRecord[]> {
  const rows = await db
    .selectFrom('communications')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(options.limit ?? 200)
    .execute();
  return rows.map(rowToCommunication);
}

/** Keyset page of a run's ledger by id, optionally only some statuses (resume, reports). */
export async function listCommunicationsForRun(
  db: Kysely<Database>,
  runId: string,
  options: {
    statuses?: readonly CommunicationStatus[];
    channels?: readonly ChannelKind[];
    afterId?: string | null;
    limit?: number;
  } = {},
): Promise<CommunicationRecord[]> {
  if (options.statuses?.length === 0 || options.channels?.length === 0) return [];
  let query = db
    .selectFrom('communications')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('id')
    .limit(options.limit ?? 1000);
  if (options.statuses) query = query.where('status', 'in', options.statuses);
  if (options.channels) query = query.where('channel', 'in', options.channels);
  if (options.afterId) query = query.where('id', '>', options.afterId);
  return (await query.execute()).map(rowToCommunication);
}

/** A `communications` row as a CommunicationRecord (numbers and status typed). */
export function rowToCommunication(row: Selectable<CommunicationsTable>): CommunicationRecord {
  return {
    id: row.id,
    runId: row.run_id,
    customerId: row.customer_id,
    channel: row.channel as ChannelKind,
    templateVersionId: row.template_version_id,
    status: row.status as CommunicationStatus,
    reason: row.reason,
    inputSha256: row.input_sha256,
    artifactSha256: row.artifact_sha256,
    artifactSize: row.artifact_size === null ? null : Number(row.artifact_size),
    pages: row.pages,
    providerId: row.provider_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveryKey: row.delivery_key,
    attempts: Number(row.attempts ?? 0),
    errorCode: row.error_code,
    providerStatus: row.provider_status,
    segments: row.segments === null ? null : Number(row.segments),
    cost: row.cost,
    costUnit: row.cost_unit,
    fallbackOf: row.fallback_of,
    copyOf: row.copy_of ?? null,
    copyKind: (row.copy_kind as CopyKind | null) ?? null,
  };
}

function notFound(id: string): MissiveError {
  return new MissiveError('MSV_STORE_NOT_FOUND', `no communication with id ${id}`, { communicationId: id });
}

// Run failures are their own table (run-failures.ts); re-exported here beside the ledger they complete.
export { listRunFailures, type RunFailure, recordRunFailure } from './run-failures.ts';
