import { type Kysely, sql } from 'kysely';
import type { RunRecord } from './runs.ts';
import type { Database } from './schema.ts';

/**
 * What is left of a run's work, from the ledger (the truth, whichever process did the work): who
 * decides whether a run can close — the flow parent (batch/workers/finalize-worker.ts) and
 * `missive worker`'s coordinator (batch/run-coordinator.ts).
 */
export interface RunWorkLeft {
  customersTotal: number;
  /** Customers with their own ledger row (fallback rows are not counted again). */
  customersDone: number;
  /** Email/SMS documents not yet final: pending, archived or sending. */
  toSend: number;
  /** Fallback paper documents waiting to be rendered. */
  toPrint: number;
}

/** One aggregate over the run's ledger rows; `customersTotal` is the run's planned count (0 before planning). */
export async function readRunWorkLeft(
  db: Kysely<Database>,
  run: Pick<RunRecord, 'id' | 'customersTotal'>,
): Promise<RunWorkLeft> {
  const row = await db
    .selectFrom('communications')
    .select((eb) => [
      eb.fn.count<number>('customer_id').distinct().as('customers'),
      eb.fn
        .sum<number>(
          sql<number>`case when channel in ('email', 'sms') and status in ('pending', 'archived', 'sending') then 1 else 0 end`,
        )
        .as('to_send'),
      eb.fn
        .sum<number>(sql<number>`case when channel = 'print' and status = 'pending' then 1 else 0 end`)
        .as('to_print'),
    ])
    .where('run_id', '=', run.id)
    .executeTakeFirstOrThrow();
  return {
    customersTotal: run.customersTotal ?? 0,
    customersDone: Number(row.customers ?? 0),
    toSend: Number(row.to_send ?? 0),
    toPrint: Number(row.to_print ?? 0),
  };
}
