import type { Kysely } from 'kysely';
import { reachedCustomer } from './reached.ts';
import type { Database } from './schema.ts';

/** A run's treated and holdout customers (decisions.holdout 0 / 1): how many, and how many converted. */

/** Distinct customers of the run a communication reached (sent, or a letter printed), by holdout (0, 1). */
export async function countSentCustomersByHoldout(
  db: Kysely<Database>,
  runId: string,
): Promise<{ holdout: number; n: number }[]> {
  return db
    .selectFrom('decisions')
    .innerJoin('communications', (j) =>
      j
        .onRef('communications.run_id', '=', 'decisions.run_id')
        .onRef('communications.customer_id', '=', 'decisions.customer_id'),
    )
    .select((eb) => ['decisions.holdout', eb.fn.count<number>('decisions.customer_id').distinct().as('n')])
    .where('decisions.run_id', '=', runId)
    .where(reachedCustomer)
    .groupBy('decisions.holdout')
    .execute();
}

/** Distinct customers of the run with a `converted` event on or after `sinceDate` (YYYY-MM-DD), by holdout. */
export async function countConvertedCustomersByHoldout(
  db: Kysely<Database>,
  runId: string,
  sinceDate: string,
): Promise<{ holdout: number; n: number }[]> {
  return db
    .selectFrom('decisions')
    .innerJoin('events', 'events.customer_id', 'decisions.customer_id')
    .select((eb) => ['decisions.holdout', eb.fn.count<number>('decisions.customer_id').distinct().as('n')])
    .where('decisions.run_id', '=', runId)
    .where('events.type', '=', 'converted')
    .where('events.occurred_at', '>=', sinceDate)
    .groupBy('decisions.holdout')
    .execute();
}
