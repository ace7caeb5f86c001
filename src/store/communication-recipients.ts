import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The address an agent sent a copy to instead of the one on file (confirmed twice in the UI). It is
 * personal data: kept here, out of the ledger row and the audit log, and deleted on erasure
 * (customer-erasure.ts).
 */
export async function saveRecipient(
  db: Kysely<Database>,
  row: { communicationId: string; customerId: string; address: string; at: string },
): Promise<void> {
  await db
    .insertInto('communication_recipients')
    .values({
      communication_id: row.communicationId,
      customer_id: row.customerId,
      address: row.address,
      created_at: row.at,
    })
    .onConflict((oc) => oc.column('communication_id').doNothing())
    .execute();
}

/** The address a communication went to, or undefined when none was recorded (or it was erased). */
export async function getRecipient(
  db: Kysely<Database>,
  communicationId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('communication_recipients')
    .select('address')
    .where('communication_id', '=', communicationId)
    .executeTakeFirst();
  return row?.address;
}
