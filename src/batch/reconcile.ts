/**
 * Batch reconciliation (RELIABILITY N6), pure: every customer who went in is accounted for, once —
 * whether a run balances, for its report (run-report.ts); not its progress (watch-run.ts) nor what
 * is left before it closes (store/run-work-left.ts).
 *
 * Per channel, the ledger rows in = sent + bounced + suppressed + unknown + failed + not yet final.
 * "Not yet final" is `archived`, `pending` or `sending`: for print, `archived` is the normal end state
 * inside Missive (the document waits for, or is in, a print stream — the print house mails it), so
 * print is counted as `archived` (with the documents in print streams shown beside it); for email
 * and SMS it means not sent (a cancelled run, or no channel configured) and is shown as such — and
 * a completed run with e-mail or SMS left unsent does not balance (issue 17: nothing that never
 * left is reported done).
 * A letter then follows the print lifecycle (issue 19: `in_print_file` and `printed` still open,
 * `mailed` and `spoiled` final, as the print house's returned manifest says).
 * Suppressed and render-failed customers have one row on `print` that stands for the customer.
 * Fallback paper for a bounced email is a second row (`fallback_of`): counted on print, not again
 * as a customer.
 */
export const FINAL_STATUSES = [
  'sent',
  'bounced',
  'suppressed',
  'unknown',
  'failed',
  'mailed',
  'spoiled',
] as const;
export const OPEN_STATUSES = ['archived', 'pending', 'sending', 'in_print_file', 'printed'] as const;

export type ReconciledStatus = (typeof FINAL_STATUSES)[number] | (typeof OPEN_STATUSES)[number];

export interface ChannelCounts {
  channel: string;
  in: number;
  counts: Record<ReconciledStatus, number>;
  balanced: boolean;
}

export interface Reconciliation {
  customersIn: number;
  /** Customers with their own ledger row. */
  customersAccounted: number;
  /** Customers never processed (a cancelled or unfinished run). */
  customersNotProcessed: number;
  /** Customers with more than one own row: must be 0. */
  duplicateRows: number;
  channels: ChannelCounts[];
  problems: string[];
  balanced: boolean;
}

export interface LedgerTally {
  customersIn: number;
  /** Own rows (not fallbacks) and distinct customers among them. */
  primaryRows: number;
  primaryCustomers: number;
  /** channel → status (with failed email/SMS split into bounced and failed) → rows. */
  rows: Record<string, Record<string, number>>;
  /** The run is finished (completed): then nobody may be missing. */
  finished: boolean;
}

export function reconcile(tally: LedgerTally): Reconciliation {
  const problems: string[] = [];
  const channels = Object.entries(tally.rows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channel, byStatus]) => {
      const counts = Object.fromEntries(
        [...FINAL_STATUSES, ...OPEN_STATUSES].map((s) => [s, byStatus[s] ?? 0]),
      ) as Record<ReconciledStatus, number>;
      const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
      const known = Object.values(counts).reduce((a, b) => a + b, 0);
      const unexpected = Object.keys(byStatus).filter((s) => !(s in counts));
      if (unexpected.length > 0)
        problems.push(`${channel}: rows in unexpected statuses ${unexpected.join(', ')}`);
      // E-mail and SMS never sent in a completed run did not reach anyone: never "balanced".
      const unsent = OPEN_STATUSES.reduce((n, s) => n + counts[s], 0);
      if (tally.finished && channel !== 'print' && unsent > 0)
        problems.push(
          `${channel}: ${unsent} never sent in a completed run (no transport, or dispatch unfinished)`,
        );
      return { channel, in: total, counts, balanced: known === total };
    });
  const notProcessed = tally.customersIn - tally.primaryCustomers;
  const duplicates = tally.primaryRows - tally.primaryCustomers;
  if (duplicates !== 0) problems.push(`${duplicates} customers have more than one ledger row of their own`);
  if (notProcessed < 0) problems.push(`${-notProcessed} more customers in the ledger than went in`);
  if (notProcessed > 0 && tally.finished)
    problems.push(`${notProcessed} customers missing from a completed run`);
  return {
    customersIn: tally.customersIn,
    customersAccounted: tally.primaryCustomers,
    customersNotProcessed: Math.max(0, notProcessed),
    duplicateRows: duplicates,
    channels,
    problems,
    balanced: problems.length === 0 && channels.every((c) => c.balanced),
  };
}
