import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  Database,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from './schema.ts';

/** Status webhooks: endpoints, deliveries, their attempts and the relay's cursors (migration 0017). */

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  secret: string;
  description: string;
  active: boolean;
  createdBy: string;
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryRecord {
  id: number;
  endpointId: string;
  eventId: string;
  eventType: string;
  communicationId: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface WebhookAttemptRecord {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Stores a status-webhook endpoint (URL, signing secret, owner). */
export async function insertWebhookEndpoint(db: Kysely<Database>, e: WebhookEndpointRecord): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({
      id: e.id,
      url: e.url,
      secret: e.secret,
      description: e.description,
      active: e.active ? 1 : 0,
      created_by: e.createdBy,
      created_at: e.createdAt,
    })
    .execute();
}

/** Status-webhook endpoints, oldest first; `activeOnly` leaves out the disabled ones. */
export async function listWebhookEndpoints(
  db: Kysely<Database>,
  options: { activeOnly?: boolean } = {},
): Promise<WebhookEndpointRecord[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id');
  if (options.activeOnly) query = query.where('active', '=', 1);
  return (await query.execute()).map(rowToEndpoint);
}

/** Stops sending to the endpoint (its deliveries and log stay). Says whether it existed. */
export async function deactivateWebhookEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ active: 0 })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The relay's position in a source table, or undefined before its first pass. */
export async function getWebhookCursor(db: Kysely<Database>, source: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('webhook_cursors')
    .select('last_id')
    .where('source', '=', source)
    .executeTakeFirst();
  return row ? Number(row.last_id) : undefined;
}

/**
 * Where a relay's first pass starts in a source table: just before the first row of an on-demand
 * communication, or at the end when there is none (a ledger of millions from before is not read).
 */
export async function firstCursor(
  db: Kysely<Database>,
  table: 'communication_status_history' | 'events',
): Promise<number> {
  const first = await db
    .selectFrom(table)
    .select((eb) => eb.fn.min('id').as('id'))
    .where('communication_id', 'in', (eb) =>
      eb
        .selectFrom('on_demand_requests')
        .select('communication_id')
        .where('communication_id', 'is not', null),
    )
    .executeTakeFirst();
  if (first?.id !== null && first?.id !== undefined) return Number(first.id) - 1;
  const last = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(last?.id ?? 0);
}

/** Moves the cursor forward only (two relays at once never move it back). */
export async function advanceWebhookCursor(
  db: Kysely<Database>,
  source: string,
  lastId: number,
): Promise<void> {
  await db
    .insertInto('webhook_cursors')
    .values({ source, last_id: lastId })
    .onConflict((oc) =>
      oc.column('source').doUpdateSet({
        last_id: sql<number>`case when excluded.last_id > webhook_cursors.last_id then excluded.last_id else webhook_cursors.last_id end`,
      }),
    )
    .execute();
}

export interface NewDelivery {
  endpointId: string;
  eventId: string;
  eventType: string;
  communicationId: string;
  payload: string;
  createdAt: string;
}

/** Queues deliveries; one already queued for (endpoint, event) is left alone. */
export async function insertWebhookDeliveries(
  db: Kysely<Database>,
  rows: readonly NewDelivery[],
): Promise<void> {
  for (const r of rows) {
    await db
      .insertInto('webhook_deliveries')
      .values({
        endpoint_id: r.endpointId,
        event_id: r.eventId,
        event_type: r.eventType,
        communication_id: r.communicationId,
        payload: r.payload,
        status: 'pending',
        attempts: 0,
        next_attempt_at: r.createdAt,
        last_status_code: null,
        last_error: null,
        created_at: r.createdAt,
        delivered_at: null,
      })
      .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
      .execute();
  }
}

/** Pending deliveries whose next attempt is due, oldest first. */
export async function listDueWebhookDeliveries(
  db: Kysely<Database>,
  now: string,
  limit: number,
): Promise<WebhookDeliveryRecord[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(rowToDelivery);
}

/**
 * Compare-and-set: takes the delivery for one attempt by moving its next attempt to `leaseUntil`
 * (another process that read the same row loses), so an attempt is made by one process at a time.
 */
export async function leaseWebhookDelivery(
  db: Kysely<Database>,
  delivery: Pick<WebhookDeliveryRecord, 'id' | 'nextAttemptAt'>,
  leaseUntil: string,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: leaseUntil })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', delivery.nextAttemptAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** One attempt's outcome: the attempt in the log and the delivery's new state, in one transaction. */
export async function recordWebhookAttempt(
  db: Kysely<Database>,
  deliveryId: number,
  attempt: WebhookAttemptRecord,
  next: { status: DeliveryStatus; nextAttemptAt: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: deliveryId,
        attempt: attempt.attempt,
        at: attempt.at,
        status_code: attempt.statusCode,
        error: attempt.error,
        duration_ms: attempt.durationMs,
      })
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status: next.status,
        attempts: attempt.attempt,
        next_attempt_at: next.nextAttemptAt,
        last_status_code: attempt.statusCode,
        last_error: attempt.error,
        delivered_at: next.status === 'delivered' ? attempt.at : null,
      })
      .where('id', '=', deliveryId)
      .execute();
  });
}

/** Status-webhook deliveries, newest first, filtered by communication or status, paged by id. */
export async function listWebhookDeliveries(
  db: Kysely<Database>,
  filter: {
    communicationId?: string | undefined;
    status?: DeliveryStatus | undefined;
    beforeId?: number | undefined;
    limit?: number;
  } = {},
): Promise<WebhookDeliveryRecord[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.communicationId) query = query.where('communication_id', '=', filter.communicationId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return (await query.execute()).map(rowToDelivery);
}

/** Each delivery's attempts, oldest first. */
export async function listWebhookAttempts(
  db: Kysely<Database>,
  deliveryIds: readonly number[],
): Promise<Map<number, WebhookAttemptRecord[]>> {
  const out = new Map<number, WebhookAttemptRecord[]>();
  if (deliveryIds.length === 0) return out;
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', [...deliveryIds])
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
  for (const r of rows) {
    const list = out.get(Number(r.delivery_id)) ?? [];
    list.push(rowToAttempt(r));
    out.set(Number(r.delivery_id), list);
  }
  return out;
}

function rowToEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    description: row.description,
    active: Number(row.active) === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function rowToDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: Number(row.id),
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    communicationId: row.communication_id,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

function rowToAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    attempt: Number(row.attempt),
    at: row.at,
    statusCode: row.status_code === null ? null : Number(row.status_code),
    error: row.error,
    durationMs: Number(row.duration_ms),
  };
}
