import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The rows that hold a customer's personal data outside the archive: the customer record itself and
 * the stored decisions (which explain offers with the customer's traits), their self-service sessions,
 * sign-in challenges and last sign-out, the other addresses agents sent copies to, and the sealed
 * values of corrected copies still waiting for approval. Deleted on erasure; the
 * ledger rows stay (ids and hashes only) and the tombstone says what happened.
 */
export async function deleteCustomerPersonalData(
  db: Kysely<Database>,
  customerId: string,
): Promise<{ customer: boolean; decisions: number }> {
  const decisions = await db.deleteFrom('decisions').where('customer_id', '=', customerId).executeTakeFirst();
  await db.deleteFrom('customer_search_keys').where('customer_id', '=', customerId).execute();
  // Self-service: the customer's sessions and sign-in challenges (migration 0014).
  await db.deleteFrom('portal_sessions').where('customer_id', '=', customerId).execute();
  await db.deleteFrom('portal_challenges').where('customer_id', '=', customerId).execute();
  // When they last signed out of the portal (document links issued before are closed; 0023).
  await db.deleteFrom('portal_link_closures').where('customer_id', '=', customerId).execute();
  // Other addresses an agent sent copies to (migration 0018).
  await db.deleteFrom('communication_recipients').where('customer_id', '=', customerId).execute();
  // Corrected copies waiting for approval (0022): their sealed values can no longer be opened (the
  // customer's keys are shredded), so they are closed; decided ones hold no values.
  await db
    .updateTable('communication_corrections')
    .set({
      status: 'refused',
      sealed_changes: null,
      decided_by: 'erasure',
      decided_at: new Date().toISOString(),
      decision_reason: 'the customer was erased',
    })
    .where('customer_id', '=', customerId)
    .where('status', '=', 'pending')
    .execute();
  const customer = await db.deleteFrom('customers').where('id', '=', customerId).executeTakeFirst();
  return { customer: Number(customer.numDeletedRows) > 0, decisions: Number(decisions.numDeletedRows) };
}

/** The scopes (communication types) the customer has data keys for. */
export async function listDataKeyScopes(db: Kysely<Database>, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_keys')
    .select('scope')
    .where('customer_id', '=', customerId)
    .execute();
  return rows.map((r) => r.scope);
}
