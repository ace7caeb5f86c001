/**
 * Codes of the ledger's status history that more than one stage reads: channels write them, the run
 * report counts them.
 */

/** The history code of a resend that may duplicate an earlier, interrupted send. */
export const RESENT_AFTER_UNKNOWN = 'resent-after-unknown';
