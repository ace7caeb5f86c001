import type { Kysely, Selectable } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database, EventsTable } from './schema.ts';

/** Append-only feedback: delivered, bounced, opened, clicked, replied, disposition, converted... */
export interface EventRecord {
  id: number;
  source: string;
  sourceId: string;
  type: string;
  communicationId: string | null;
  customerId: string | null;
  offerId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
  recordedAt: string;
}

export interface NewEvent {
  /** Who reported it, e.g. `twilio`, `smtp`, `tracking`, `call-center`. */
  source: string;
  /** The source's own id for the event: a replayed webhook carries the same one. */
  sourceId: string;
  type: string;
  communicationId?: string | null;
  customerId?: string | null;
  offerId?: string | null;
  payload?: Record<string, unknown>;
  occurredAt: string;
  recordedAt?: string;
}

/** Records the event unless (source, sourceId) is already recorded; says whether it was new. */
export async function appendEvent(db: Kysely<Database>, event: NewEvent): Promise<boolean> {
  const result = await db
    .insertInto('events')
    .values({
      source: event.source,
      source_id: event.sourceId,
      type: event.type,
      communication_id: event.communicationId ?? null,
      customer_id: event.customerId ?? null,
      offer_id: event.offerId ?? null,
      payload: canonicalJson(event.payload ?? {}),
      occurred_at: event.occurredAt,
      recorded_at: event.recordedAt ?? nowIso(),
    })
    .onConflict((oc) => oc.columns(['source', 'source_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Keyset page in recording order, optionally for one communication or one customer. */
export async function listEvents(
  db: Kysely<Database>,
  filter: { communicationId?: string; customerId?: string; afterId?: number; limit?: number } = {},
): Promise<EventRecord[]> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit ?? 1000);
  if (filter.communicationId !== undefined)
    query = query.where('communication_id', '=', filter.communicationId);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return (await query.execute()).map(rowToEvent);
}

function rowToEvent(row: Selectable<EventsTable>): EventRecord {
  return {
    id: Number(row.id),
    source: row.source,
    sourceId: row.source_id,
    type: row.type,
    communicationId: row.communication_id,
    customerId: row.customer_id,
    offerId: row.offer_id,
    payload: parseJson<Record<string, unknown>>(row.payload),
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}

/** The id of the event a source reported under its own id; throws Kysely's NoResultError when not recorded. */
export async function getEventIdBySource(
  db: Kysely<Database>,
  source: string,
  sourceId: string,
): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select('id')
    .where('source', '=', source)
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A keyset page (id after `afterId`) of the events tied to a communication and an offer. */
export async function pageOfferEvents(
  db: Kysely<Database>,
  afterId: number,
  limit: number,
): Promise<Pick<EventRecord, 'id' | 'type' | 'communicationId' | 'offerId' | 'payload'>[]> {
  const rows = await db
    .selectFrom('events')
    .select(['id', 'type', 'communication_id', 'offer_id', 'payload'])
    .where('id', '>', afterId)
    .where('communication_id', 'is not', null)
    .where('offer_id', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((e) => ({
    id: Number(e.id),
    type: e.type,
    communicationId: e.communication_id,
    offerId: e.offer_id,
    payload: parseJson<Record<string, unknown>>(e.payload),
  }));
}

/**
 * The customer's events of these types, optionally from one source; newest first (occurred, then
 * recorded order) when `limit` is given, else in no particular order.
 */
export async function listCustomerEvents(
  db: Kysely<Database>,
  customerId: string,
  filter: { types?: readonly string[]; source?: string; limit?: number } = {},
): Promise<EventRecord[]> {
  let query = db.selectFrom('events').selectAll().where('customer_id', '=', customerId);
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.types !== undefined) query = query.where('type', 'in', [...filter.types]);
  if (filter.limit !== undefined)
    query = query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
  return (await query.execute()).map(rowToEvent);
}
