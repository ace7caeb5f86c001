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

/**
 * Bad usage (exit 2): a command line that cannot mean anything — a bad option value (an error on a
 * `--option` field), an error marked `usage` (a name typed on the command line that does not exist:
 * a template, a catalog), or a communication type the catalog does not know. Commander's own errors
 * (unknown command or option, a missing argument) are bad usage too; `main` handles those.
 */
export function isUsageError(err: MissiveError): boolean {
  if (err.details.usage === true) return true;
  if (err.code === 'MSV_RULES_UNKNOWN_TYPE') return true;
  return err.code === 'MSV_CONFIG_INVALID' && String(err.details.field ?? '').startsWith('--');
}

/**
 * A bad option value or combination (exit 2), e.g. `usageError('--port', '--port: 99999 is not a TCP port')`.
 */
export function usageError(option: string, message: string): MissiveError {
  return new MissiveError('MSV_CONFIG_INVALID', message, { field: option, usage: true });
}

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILURE | typeof EXIT_USAGE | typeof EXIT_PARTIAL;

/**
 * Reads a rate option: "0.5%" or "0.005" → 0.005, between 0 and 1 (100%). Anything else throws a
 * `MSV_CONFIG_INVALID` naming the option in `details.field`, which `main` turns into exit 2 (bad
 * usage). Undefined stays undefined (the option was not given).
 *
 * @example parseRate('--max-reject-rate', '5%') // 0.05
 */
export function parseRate(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(text.trim());
  // "0.7%" as 0.7e-2, not 0.7 / 100 (= 0.006999…): the share the operator wrote, exactly.
  const rate = m ? Number(m[2] ? `${m[1]}e-2` : m[1]) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) {
    throw new MissiveError(
      'MSV_CONFIG_INVALID',
      `${option} must be a share such as 0.5% or 0.005 (at most 100% or 1), not "${text}"`,
      { field: option },
    );
  }
  return rate;
}

/** 0 when none of `total` went bad or the share is within `maxRate`; else EXIT_PARTIAL. */
export function exitCodeFor(
  total: number,
  bad: number,
  maxRate?: number,
): typeof EXIT_OK | typeof EXIT_PARTIAL {
  if (bad === 0) return EXIT_OK;
  // A hair of tolerance: 7 of 1,000 is within 0.7% however the division rounds.
  if (maxRate !== undefined && total > 0 && bad / total <= maxRate * (1 + 1e-9)) return EXIT_OK;
  return EXIT_PARTIAL;
}

export interface ExitRequest {
  /** Rows read, or customers in the run. */
  total: number;
  /** Of them, refused or failed. */
  bad: number;
  /** The accepted share (parseRate), if the operator gave one. */
  maxRate?: number | undefined;
  /** The option that sets it, for the note: `--max-reject-rate`. */
  option: string;
  /** What `bad` counts, for the note: "rows refused", "customers failed". */
  what: string;
}

export interface ExitDecision {
  code: typeof EXIT_OK | typeof EXIT_PARTIAL;
  /** Why, when something went bad: "exit 3: 3 of 1,000 rows refused (0.3%)…"; empty when nothing did. */
  note: string;
}

/**
 * exitCodeFor with the line that explains it, for the end of a command's output (`reason` alone is
 * the same without the "exit N: " in front, for a command that has other reasons to add).
 *
 * @example decideExit({ total: 1000, bad: 3, maxRate: 0.005, option: '--max-reject-rate', what: 'rows refused' })
 * // { code: 0, reason: '3 of 1,000 rows refused (0.3%), within --max-reject-rate 0.5%',
 * //   note: 'exit 0: 3 of 1,000 rows refused (0.3%), within --max-reject-rate 0.5%' }
 */
export function decideExit(r: ExitRequest): ExitDecision & { reason: string } {
  const code = exitCodeFor(r.total, r.bad, r.maxRate);
  if (r.bad === 0) return { code, note: '', reason: '' };
  const share = `${count(r.bad)} of ${count(r.total)} ${r.what}${r.total > 0 ? ` (${percent(r.bad / r.total)})` : ''}`;
  const reason =
    r.maxRate === undefined
      ? `${share}; accept a known level with ${r.option}`
      : `${share}, ${code === EXIT_OK ? 'within' : 'above'} ${r.option} ${percent(r.maxRate)}`;
  return { code, note: `exit ${code}: ${reason}`, reason };
}

function count(n: number): string {
  return n.toLocaleString('en-GB');
}

/** 0.003 → "0.3%", 1/3 → "33.3%", 0.00001 → "0.001%": three significant digits, no trailing zeros. */
export function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}

/**
 * The exit of a customer import: decideExit over its rows, except that a file that could not be read
 * to its end is exit 3 whatever the rate (the rows after the break were never counted).
 */
export function importExit(
  summary: { rows: number; rejected: number; complete: boolean },
  maxRate?: number,
): ExitDecision {
  const decision = decideExit({
    total: summary.rows,
    bad: summary.rejected,
    maxRate,
    option: '--max-reject-rate',
    what: 'rows refused',
  });
  if (summary.complete) return { code: decision.code, note: decision.note };
  return { code: EXIT_PARTIAL, note: `exit ${EXIT_PARTIAL}: the file could not be read to its end` };
}
