import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Keyset pages (id after `afterId`, in id order) of what changed: the ledger's status history and the
 * events. Relays that follow them with a cursor (on-demand/status-webhooks.ts) read these.
 */

export async function pageStatusHistory(db: Kysely<Database>, afterId: number, limit: number) {
  return db
    .selectFrom('communication_status_history')
    .select(['id', 'communication_id', 'status', 'reason', 'code', 'at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Events after `afterId`, by id, at most `limit`: what the status-webhook relay reads next. */
export async function pageEventChanges(db: Kysely<Database>, afterId: number, limit: number) {
  return db
    .selectFrom('events')
    .select(['id', 'communication_id', 'type', 'recorded_at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}
