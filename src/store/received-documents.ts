import type { ExpressionBuilder, Kysely } from 'kysely';
import { reachedCustomer } from './reached.ts';
import type { Database } from './schema.ts';

/**
 * The ledger rows that are documents a customer received, with their run's type and as-of date: print
 * handed to the print house (`archived`, or on through the print lifecycle: in a print file, printed,
 * mailed; not a spoiled piece, whose re-print is its own row), an e-mail or SMS `sent`; with bytes
 * (portal/documents.ts).
 */

function received(eb: ExpressionBuilder<Database, 'communications'>) {
  return eb.and([eb('communications.artifact_sha256', 'is not', null), reachedCustomer(eb)]);
}

const COLUMNS = [
  'communications.id',
  'communications.customer_id',
  'communications.channel',
  'communications.created_at',
  'communications.pages',
  'communications.artifact_sha256',
  'runs.communication_type',
  'runs.as_of',
] as const;

/**
 * A keyset page over (created_at, id), newest first, of the customer's received documents: `limit`
 * rows older than `before` (or the newest). The index (customer_id, created_at, id) answers it alone.
 */
export async function pageReceivedDocuments(
  db: Kysely<Database>,
  customerId: string,
  page: { before?: { createdAt: string; id: string } | undefined; limit: number },
) {
  let query = db
    .selectFrom('communications')
    .innerJoin('runs', 'runs.id', 'communications.run_id')
    .select(COLUMNS)
    .where('communications.customer_id', '=', customerId)
    .where(received)
    .orderBy('communications.created_at', 'desc')
    .orderBy('communications.id', 'desc')
    .limit(page.limit);
  const before = page.before;
  if (before) {
    // A row-value comparison: both SQLite and PostgreSQL seek the index to it.
    query = query.where((eb) =>
      eb(
        eb.refTuple('communications.created_at', 'communications.id'),
        '<',
        eb.tuple(before.createdAt, before.id),
      ),
    );
  }
  return query.execute();
}

/** One communication if it is a received document, with its customer. */
export async function findReceivedDocument(db: Kysely<Database>, communicationId: string) {
  return db
    .selectFrom('communications')
    .innerJoin('runs', 'runs.id', 'communications.run_id')
    .select(COLUMNS)
    .where('communications.id', '=', communicationId)
    .where(received)
    .executeTakeFirst();
}
