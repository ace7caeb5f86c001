import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A letter's statuses once in a print file (the print lifecycle): handed to the print house. */
const IN_PRINT: readonly string[] = ['in_print_file', 'printed', 'mailed'];

/**
 * Letters handed to the print house: print ledger rows in a print file's statuses, or — letters
 * printed before those statuses existed — still `archived` (or `sent`) in a run whose print files
 * were made after the letter was and that the print step did not leave out (no `print` failure
 * for the customer in the run). A page of their ids, in id order, after `afterId`: what the
 * feedback loop's catch-up (`missive model update`) counts as letters' exposures.
 */
export async function pagePrintedLetterIds(
  db: Kysely<Database>,
  options: { afterId: string; limit: number; runId?: string | undefined },
): Promise<string[]> {
  let query = db
    .selectFrom('communications as c')
    .select('c.id')
    .where('c.channel', '=', 'print')
    .where('c.id', '>', options.afterId)
    .where(({ and, eb, exists, not, or, selectFrom }) =>
      or([
        eb('c.status', 'in', IN_PRINT),
        and([
          eb('c.status', 'in', ['archived', 'sent']),
          exists(
            selectFrom('print_streams as p')
              .select('p.id')
              .whereRef('p.run_id', '=', 'c.run_id')
              .whereRef('p.created_at', '>=', 'c.created_at'),
          ),
          not(
            exists(
              selectFrom('run_failures as f')
                .select('f.id')
                .whereRef('f.run_id', '=', 'c.run_id')
                .whereRef('f.customer_id', '=', 'c.customer_id')
                .where('f.stage', '=', 'print'),
            ),
          ),
        ]),
      ]),
    )
    .orderBy('c.id')
    .limit(options.limit);
  if (options.runId) query = query.where('c.run_id', '=', options.runId);
  return (await query.execute()).map((r) => r.id);
}
