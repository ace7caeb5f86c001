import type { ExpressionBuilder } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The ledger statuses of a letter handed to the print house: `archived` (no channel "sends" a
 * letter), then the print lifecycle (in a print file, printed, mailed). Not a spoiled piece: its
 * re-print is a row of its own.
 */
export const LETTER_STATUSES = ['archived', 'in_print_file', 'printed', 'mailed'] as const;

/**
 * A communication that reached its customer: an e-mail or SMS `sent`, a letter handed to the print
 * house. What conversions are attributed to, what a campaign's lift and the offline evaluation count.
 */
export function reachedCustomer(eb: ExpressionBuilder<Database, 'communications'>) {
  return eb.or([
    eb('communications.status', '=', 'sent'),
    eb.and([eb('communications.channel', '=', 'print'), eb('communications.status', 'in', LETTER_STATUSES)]),
  ]);
}
