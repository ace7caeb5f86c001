import type { Kysely } from 'kysely';
import type { ChannelKind } from '../core/types.ts';
import type { Database } from './schema.ts';

/**
 * The ledger side of `missive runs retry-failed` (batch/run-control.ts): which failed rows of a run
 * are made again, and forgetting the ones whose document could not be made.
 */

/**
 * Removes the run's customers whose document could not be made (failed, no artifact, not a
 * fallback): their ledger row, its status history and their failure-list entries, so the next plan
 * makes them again and the new outcome takes the row's place. Returns how many customers.
 */
export async function forgetRenderFailures(db: Kysely<Database>, runId: string): Promise<number> {
  const renderFailed = db
    .selectFrom('communications')
    .select('id')
    .where('run_id', '=', runId)
    .where('status', '=', 'failed')
    .where('artifact_sha256', 'is', null)
    .where('fallback_of', 'is', null);
  const customers = (
    await db.selectFrom('communications').select('customer_id').where('id', 'in', renderFailed).execute()
  ).map((r) => r.customer_id);
  await db.deleteFrom('communication_status_history').where('communication_id', 'in', renderFailed).execute();
  await db.deleteFrom('communications').where('id', 'in', renderFailed).execute();
  for (let i = 0; i < customers.length; i += 500) {
    await db
      .deleteFrom('run_failures')
      .where('run_id', '=', runId)
      .where('customer_id', 'in', customers.slice(i, i + 500))
      .execute();
  }
  return customers.length;
}

/** Ids of the run's failed rows on these channels whose reason matches `reasonLike` (SQL `like`). */
export async function listFailedCommunicationIds(
  db: Kysely<Database>,
  runId: string,
  channels: readonly ChannelKind[],
  reasonLike: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('communications')
    .select('id')
    .where('run_id', '=', runId)
    .where('status', '=', 'failed')
    .where('channel', 'in', channels)
    .where('reason', 'like', reasonLike)
    .execute();
  return rows.map((r) => r.id);
}
