import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Document blobs written before their ledger row (migrations/0013-pending-blobs.ts): the row goes in
 * before the blob is stored and out in the ledger row's transaction, so what a crash leaves behind
 * is known (src/archive/orphan-blobs.ts).
 */

export interface PendingBlob {
  sha256: string;
  runId: string;
  customerId: string;
  channel: string;
  createdAt: string;
}

/**
 * Records blobs written before their ledger row (a crash between leaves them findable); duplicates are
 * ignored.
 */
export async function recordPendingBlobs(db: Kysely<Database>, blobs: readonly PendingBlob[]): Promise<void> {
  if (blobs.length === 0) return;
  await db
    .insertInto('pending_blobs')
    .values(
      blobs.map((b) => ({
        sha256: b.sha256,
        run_id: b.runId,
        customer_id: b.customerId,
        channel: b.channel,
        created_at: b.createdAt,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The document is recorded (or was already): its blobs are no longer pending. */
export async function clearPendingBlobs(
  db: Kysely<Database>,
  document: { runId: string; customerId: string; channel: string },
): Promise<void> {
  await db
    .deleteFrom('pending_blobs')
    .where('run_id', '=', document.runId)
    .where('customer_id', '=', document.customerId)
    .where('channel', '=', document.channel)
    .execute();
}

/** Pending blobs written before `before` (ISO time), oldest first; of one customer when asked. */
export async function listPendingBlobs(
  db: Kysely<Database>,
  filter: { before?: string; customerId?: string; limit: number },
): Promise<PendingBlob[]> {
  let query = db.selectFrom('pending_blobs').selectAll().orderBy('created_at').limit(filter.limit);
  if (filter.before !== undefined) query = query.where('created_at', '<', filter.before);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  return (await query.execute()).map((r) => ({
    sha256: r.sha256,
    runId: r.run_id,
    customerId: r.customer_id,
    channel: r.channel,
    createdAt: r.created_at,
  }));
}

/** How many pending blobs were recorded before `before` (ISO time). */
export async function countPendingBlobs(db: Kysely<Database>, before: string): Promise<number> {
  const row = await db
    .selectFrom('pending_blobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Other pending rows for the same bytes written at or after `since` (a run still making them). */
export async function isBlobPendingSince(
  db: Kysely<Database>,
  sha256: string,
  since: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('pending_blobs')
    .select('sha256')
    .where('sha256', '=', sha256)
    .where('created_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets one pending blob (its ledger row landed, or it was removed). */
export async function deletePendingBlob(db: Kysely<Database>, blob: PendingBlob): Promise<void> {
  await db
    .deleteFrom('pending_blobs')
    .where('run_id', '=', blob.runId)
    .where('customer_id', '=', blob.customerId)
    .where('channel', '=', blob.channel)
    .where('sha256', '=', blob.sha256)
    .execute();
}
