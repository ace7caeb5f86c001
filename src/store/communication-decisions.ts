import type { Kysely } from 'kysely';
import { reachedCustomer } from './reached.ts';
import type { Database } from './schema.ts';

/**
 * A ledger row with the decision it was made under (communications ⋈ decisions on run × customer):
 * what the feedback loop, policy evaluation, conversions and the portal's offers read. Decisions are
 * returned as stored (JSON text); callers parse what they need.
 */

/** One communication with its decision, or undefined when it has none (no catalog, or no such row). */
export async function getCommunicationWithDecision(db: Kysely<Database>, communicationId: string) {
  return db
    .selectFrom('communications')
    .innerJoin('decisions', (j) =>
      j
        .onRef('decisions.run_id', '=', 'communications.run_id')
        .onRef('decisions.customer_id', '=', 'communications.customer_id'),
    )
    .select([
      'communications.id',
      'communications.run_id',
      'communications.customer_id',
      'communications.status',
      'decisions.communication_type',
      'decisions.holdout',
      'decisions.decision',
    ])
    .where('communications.id', '=', communicationId)
    .executeTakeFirst();
}

/** The decision of the customer's communication, only when the communication is theirs. */
export async function getCustomerCommunicationDecision(
  db: Kysely<Database>,
  customerId: string,
  communicationId: string,
): Promise<{ decision: string } | undefined> {
  return db
    .selectFrom('communications')
    .innerJoin('decisions', (j) =>
      j
        .onRef('decisions.run_id', '=', 'communications.run_id')
        .onRef('decisions.customer_id', '=', 'communications.customer_id'),
    )
    .select(['decisions.decision'])
    .where('communications.id', '=', communicationId)
    .where('communications.customer_id', '=', customerId)
    .executeTakeFirst();
}

/**
 * The customer's communications made in [since, until) that reached them, newest first, with their
 * decisions: an e-mail or SMS `sent`, a letter handed to the print house (`archived`, or on through
 * the print lifecycle; not a spoiled piece), so a conversion after a letter is attributed to it.
 */
export async function listSentWithDecisions(
  db: Kysely<Database>,
  customerId: string,
  window: { since: string; until: string },
  limit: number,
): Promise<{ id: string; decision: string }[]> {
  return db
    .selectFrom('communications')
    .innerJoin('decisions', (j) =>
      j
        .onRef('decisions.run_id', '=', 'communications.run_id')
        .onRef('decisions.customer_id', '=', 'communications.customer_id'),
    )
    .select(['communications.id', 'decisions.decision'])
    .where('communications.customer_id', '=', customerId)
    .where(reachedCustomer)
    .where('communications.created_at', '<', window.until)
    .where('communications.created_at', '>=', window.since)
    .orderBy('communications.created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * A keyset page (communication id after `afterId`) of sent communications whose decision was
 * treated (not holdout), with the decision and the run's creation time; optionally only some runs
 * or one communication type.
 */
export async function pageSentTreatedDecisions(
  db: Kysely<Database>,
  page: {
    afterId: string;
    limit: number;
    runIds?: readonly string[] | undefined;
    communicationType?: string | undefined;
  },
): Promise<{ id: string; customer_id: string; decision: string; created_at: string }[]> {
  let q = db
    .selectFrom('communications')
    .innerJoin('decisions', (j) =>
      j
        .onRef('decisions.run_id', '=', 'communications.run_id')
        .onRef('decisions.customer_id', '=', 'communications.customer_id'),
    )
    .innerJoin('runs', 'runs.id', 'communications.run_id')
    .select(['communications.id', 'communications.customer_id', 'decisions.decision', 'runs.created_at'])
    .where(reachedCustomer)
    .where('decisions.holdout', '=', 0)
    .where('communications.id', '>', page.afterId)
    .orderBy('communications.id')
    .limit(page.limit);
  if (page.runIds?.length) q = q.where('communications.run_id', 'in', [...page.runIds]);
  if (page.communicationType) q = q.where('decisions.communication_type', '=', page.communicationType);
  return q.execute();
}

/**
 * The customer's documents made since `since` (sent, archived, or a letter on its way through the
 * print house) with their decision and run:
 * where offers were placed, newest first.
 */
export async function listRecentPlacements(
  db: Kysely<Database>,
  customerId: string,
  since: string,
  limit: number,
) {
  return db
    .selectFrom('communications')
    .innerJoin('decisions', (j) =>
      j
        .onRef('decisions.run_id', '=', 'communications.run_id')
        .onRef('decisions.customer_id', '=', 'communications.customer_id'),
    )
    .innerJoin('runs', 'runs.id', 'communications.run_id')
    .select([
      'communications.id',
      'communications.channel',
      'communications.created_at',
      'runs.communication_type',
      'runs.as_of',
      'decisions.decision',
      'decisions.catalog_version',
      'decisions.holdout',
    ])
    .where('communications.customer_id', '=', customerId)
    .where('communications.created_at', '>=', since)
    .where('communications.artifact_sha256', 'is not', null)
    .where('communications.status', 'in', ['sent', 'archived', 'in_print_file', 'printed', 'mailed'])
    .orderBy('communications.created_at', 'desc')
    .orderBy('communications.id', 'desc')
    .limit(limit)
    .execute();
}
