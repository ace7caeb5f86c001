import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * `copy_kind` of an agent's ad-hoc letter (issue 19 item 3): not a copy of another document (its
 * `copy_of` stays empty) but, like a re-print, a document of its own on-demand run that goes into
 * the next print file when it is on paper (listReprintsForPrint).
 */
export const AGENT_LETTER_KIND = 'letter';

/** Marks a ledger row as an agent's letter (in the transaction that records it). */
export async function markAgentLetter(db: Kysely<Database>, communicationId: string): Promise<void> {
  await db
    .updateTable('communications')
    .set({ copy_kind: AGENT_LETTER_KIND })
    .where('id', '=', communicationId)
    .where('copy_of', 'is', null)
    .execute();
}
