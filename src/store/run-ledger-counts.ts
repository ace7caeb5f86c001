import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Counts over one run's ledger rows — by status with pages and bytes, by channel and status, and
 * which customers already have a row — for whoever shows or skips work: the foreground watch
 * (batch/watch-run.ts), `missive runs show`, the API's run view, a render chunk skipping customers
 * done before. What is left to do before a run closes is store/run-work-left.ts; whether a run
 * balances is batch/reconcile.ts.
 */

export interface RunLedgerSummary {
  /** Ledger rows by status (only statuses present). */
  byStatus: Record<string, number>;
  pages: number;
  bytes: number;
}

/** What a run has produced so far, from the ledger: counts by status, pages and bytes archived. */
export async function summarizeRunCommunications(
  db: Kysely<Database>,
  runId: string,
): Promise<RunLedgerSummary> {
  const rows = await db
    .selectFrom('communications')
    .select((eb) => [
      'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('pages').as('pages'),
      eb.fn.sum<number>('artifact_size').as('bytes'),
    ])
    .where('run_id', '=', runId)
    .groupBy('status')
    .execute();
  const summary: RunLedgerSummary = { byStatus: {}, pages: 0, bytes: 0 };
  for (const row of rows) {
    summary.byStatus[row.status] = Number(row.n);
    summary.pages += Number(row.pages ?? 0);
    summary.bytes += Number(row.bytes ?? 0);
  }
  return summary;
}

/** Which of these customers already have a ledger row in the run, on any channel (one query). */
export async function listCustomerIdsInRun(
  db: Kysely<Database>,
  runId: string,
  customerIds: readonly string[],
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const rows = await db
    .selectFrom('communications')
    .select('customer_id')
    .distinct()
    .where('run_id', '=', runId)
    .where('customer_id', 'in', customerIds)
    .execute();
  return rows.map((r) => r.customer_id);
}

/** A run's ledger rows by channel, then status: where the documents went. */
export async function countRunByChannel(
  db: Kysely<Database>,
  runId: string,
): Promise<Record<string, Record<string, number>>> {
  const rows = await db
    .selectFrom('communications')
    .select((eb) => ['channel', 'status', eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy(['channel', 'status'])
    .execute();
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const byStatus = out[row.channel] ?? {};
    byStatus[row.status] = Number(row.n);
    out[row.channel] = byStatus;
  }
  return out;
}
