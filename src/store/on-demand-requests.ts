import type { Kysely, Selectable } from 'kysely';
import type { Database, OnDemandRequestsTable } from './schema.ts';

/** On-demand API requests, one per (caller, idempotency key): see src/on-demand/communicate.ts. */
export interface OnDemandRequestRecord {
  caller: string;
  idempotencyKey: string;
  requestSha256: string;
  runId: string;
  customerId: string;
  communicationType: string;
  communicationId: string | null;
  status: 'processing' | 'done';
  createdAt: string;
  updatedAt: string;
}

/**
 * Claims (caller, key) for this request: true when this call inserted the row and so does the work;
 * false when a request with the key exists already (done, or another one is working on it).
 */
export async function claimOnDemandRequest(
  db: Kysely<Database>,
  request: Omit<OnDemandRequestRecord, 'communicationId' | 'status' | 'updatedAt'>,
): Promise<boolean> {
  const result = await db
    .insertInto('on_demand_requests')
    .values({
      caller: request.caller,
      idempotency_key: request.idempotencyKey,
      request_sha256: request.requestSha256,
      run_id: request.runId,
      customer_id: request.customerId,
      communication_type: request.communicationType,
      communication_id: null,
      status: 'processing',
      created_at: request.createdAt,
      updated_at: request.createdAt,
    })
    .onConflict((oc) => oc.columns(['caller', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The on-demand request a caller made with an idempotency key, or undefined. */
export async function getOnDemandRequest(
  db: Kysely<Database>,
  caller: string,
  idempotencyKey: string,
): Promise<OnDemandRequestRecord | undefined> {
  const row = await db
    .selectFrom('on_demand_requests')
    .selectAll()
    .where('caller', '=', caller)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row ? rowToRequest(row) : undefined;
}

/** The request made its communication: later calls with the key return it. */
export async function completeOnDemandRequest(
  db: Kysely<Database>,
  caller: string,
  idempotencyKey: string,
  communicationId: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('on_demand_requests')
    .set({ communication_id: communicationId, status: 'done', updated_at: at })
    .where('caller', '=', caller)
    .where('idempotency_key', '=', idempotencyKey)
    .execute();
}

/**
 * A request refused before it made anything (a bad channel, data against the contract…): the key
 * is free again, so the caller can correct and retry.
 */
export async function releaseOnDemandRequest(
  db: Kysely<Database>,
  caller: string,
  idempotencyKey: string,
): Promise<void> {
  await db
    .deleteFrom('on_demand_requests')
    .where('caller', '=', caller)
    .where('idempotency_key', '=', idempotencyKey)
    .where('status', '=', 'processing')
    .execute();
}

/** Moves the claim's clock (a stale claim left by a crash is taken over by the next retry). */
export async function touchOnDemandRequest(
  db: Kysely<Database>,
  caller: string,
  idempotencyKey: string,
  from: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('on_demand_requests')
    .set({ updated_at: at })
    .where('caller', '=', caller)
    .where('idempotency_key', '=', idempotencyKey)
    .where('status', '=', 'processing')
    .where('updated_at', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function rowToRequest(row: Selectable<OnDemandRequestsTable>): OnDemandRequestRecord {
  return {
    caller: row.caller,
    idempotencyKey: row.idempotency_key,
    requestSha256: row.request_sha256,
    runId: row.run_id,
    customerId: row.customer_id,
    communicationType: row.communication_type,
    communicationId: row.communication_id,
    status: row.status as OnDemandRequestRecord['status'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Which of these communications an on-demand request made. */
export async function listOnDemandCommunicationIds(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<Set<string>> {
  if (communicationIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('on_demand_requests')
    .select('communication_id')
    .where('communication_id', 'in', communicationIds)
    .execute();
  return new Set(rows.flatMap((r) => (r.communication_id ? [r.communication_id] : [])));
}

/** These on-demand communications with their channel, customer, run, idempotency key and type. */
export async function listOnDemandCommunications(db: Kysely<Database>, communicationIds: readonly string[]) {
  return db
    .selectFrom('on_demand_requests')
    .innerJoin('communications', 'communications.id', 'on_demand_requests.communication_id')
    .select([
      'communications.id as id',
      'communications.channel as channel',
      'communications.customer_id as customer_id',
      'communications.run_id as run_id',
      'on_demand_requests.idempotency_key as idempotency_key',
      'on_demand_requests.communication_type as type',
    ])
    .where('communications.id', 'in', communicationIds)
    .execute();
}
