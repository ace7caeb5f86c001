import { MissiveError } from '../core/errors.ts';

/**
 * Exit codes a scheduler can trust (README "Exit codes"): 0 only when nothing was rejected or failed;
 * 3 when some rows or customers were (within a run or import that otherwise went through), unless
 * the operator accepted that level with --max-reject-rate / --max-failure-rate; 1 when the job could
 * not be done at all (including a run in which every customer failed); 2 for bad usage.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_PARTIAL = 3;

/** "0.5%" or "0.005" → 0.005; anything else is a usage error (exit 2) naming the option. */
export function parseRate(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const rate = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) {
    throw new MissiveError(
      'MSV_CONFIG_INVALID',
      `${option} must be a share such as 0.5% or 0.005, not "${text}"`,
      {
        field: option,
      },
    );
  }
  return rate;
}

/** 0 when none of `total` went bad or the share is within `maxRate`; else EXIT_PARTIAL. */
export function exitCodeFor(total: number, bad: number, maxRate?: number): number {
  if (bad === 0) return EXIT_OK;
  if (maxRate !== undefined && total > 0 && bad / total <= maxRate) return EXIT_OK;
  return EXIT_PARTIAL;
}
