import type { Kysely } from 'kysely';
import type { CommunicationStatus } from '../core/types.ts';
import type { Database } from './schema.ts';

/** Reads of the ledger across runs, for the feedback loop and the rules. */

/** A keyset page (id after `afterId`) of communication ids in these statuses, optionally of one run. */
export async function pageCommunicationIds(
  db: Kysely<Database>,
  page: {
    statuses: readonly CommunicationStatus[];
    afterId: string;
    limit: number;
    runId?: string | undefined;
  },
): Promise<string[]> {
  let q = db
    .selectFrom('communications')
    .select('id')
    .where('status', 'in', [...page.statuses])
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit);
  if (page.runId) q = q.where('run_id', '=', page.runId);
  return (await q.execute()).map((r) => r.id);
}

/** The id of the last communication sent on `channel` to any of these customers (by update time). */
export async function findLastSentCommunicationId(
  db: Kysely<Database>,
  customerIds: readonly string[],
  channel: string,
): Promise<string | undefined> {
  if (customerIds.length === 0) return undefined;
  const row = await db
    .selectFrom('communications')
    .select('id')
    .where('customer_id', 'in', customerIds)
    .where('channel', '=', channel)
    .where('status', '=', 'sent')
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/**
 * The customer's communications made since `since` that reached (or are on their way to) them —
 * neither failed nor suppressed — with their run and its communication type: contact history for
 * frequency caps.
 */
export async function listContactsSince(
  db: Kysely<Database>,
  customerId: string,
  since: string,
): Promise<{ run_id: string; created_at: string; communication_type: string }[]> {
  return db
    .selectFrom('communications')
    .innerJoin('runs', 'runs.id', 'communications.run_id')
    .select(['communications.run_id', 'communications.created_at', 'runs.communication_type'])
    .where('communications.customer_id', '=', customerId)
    .where('communications.created_at', '>=', since)
    .where('communications.status', 'not in', ['failed', 'suppressed'])
    .execute();
}
