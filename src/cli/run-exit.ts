import type { Kysely } from 'kysely';
import type { RunOutcome } from '../batch/heavy.ts';
import type { FileSourceOptions } from '../batch/index.ts';
import { countRunFailuresByCode, countRunOutcomes, type Database, getRun } from '../store/index.ts';
import { decideExit, EXIT_FAILURE, type ExitCode } from './exit-codes.ts';

/** What the end of `missive run` needs to know about its failures (see runFailureTally). */
export interface RunFailureTally {
  runId: string;
  status: RunOutcome['status'];
  /** Customers in the run, plus the rows of its customer file refused at input. */
  total: number;
  /** Customers whose own ledger row ended failed, whether a document was made or not. */
  failed: number;
  /** Of `failed`, those whose document was made but not delivered (email or SMS failed or bounced). */
  undelivered: number;
  /** Rows of the run's customer file refused at input (not in `failed`). */
  refusedAtInput: number;
  /** The failure list by code, most common first, with an example reason each. */
  byCode: { code: string; count: number; example: string }[];
}

/** Reads the run's failures from the store once the run returned. */
export async function runFailureTally(db: Kysely<Database>, outcome: RunOutcome): Promise<RunFailureTally> {
  const counts = await countRunOutcomes(db, outcome.runId);
  const input = (await getRun(db, outcome.runId))?.options.input as FileSourceOptions | undefined;
  const refusedAtInput = input?.rejected ?? 0;
  return {
    runId: outcome.runId,
    status: outcome.status,
    total: outcome.progress.total + refusedAtInput,
    failed: counts.failed,
    undelivered: counts.failed - counts.notMade,
    refusedAtInput,
    byCode: counts.failed + refusedAtInput > 0 ? await countRunFailuresByCode(db, outcome.runId) : [],
  };
}

/**
 * The end of `missive run`, pure: its exit code and the lines that explain it. A `failed` run (every
 * customer failed, nothing made) is exit 1 and says so first; a run with some failures is exit 3
 * unless their share is within `--max-failure-rate`; either way the most common reasons are listed
 * with their counts, and the command that lists every failure.
 *
 * @example runExit({ status: 'failed', total: 7043, failed: 7043, byCode: [{ code: 'MSV_DATA_MISSING', count: 7043, … }], … })
 * // code 1; "0 documents made: every customer failed (7,043) …\n  7,043 × MSV_DATA_MISSING: …"
 */
export function runExit(t: RunFailureTally, maxFailureRate?: number): { code: ExitCode; text: string } {
  const bad = t.failed + t.refusedAtInput;
  const decision = decideExit({
    total: t.total,
    bad,
    maxRate: maxFailureRate,
    option: '--max-failure-rate',
    what: 'customers failed',
  });
  if (bad === 0)
    return t.status === 'failed'
      ? { code: EXIT_FAILURE, text: `the run is failed: missive runs show ${t.runId}\n` }
      : { code: decision.code, text: '' };
  const n = (x: number) => x.toLocaleString('en-GB');
  const lines = [
    t.status === 'failed'
      ? `0 documents made: every customer failed (${n(bad)}); the run is failed, not completed`
      : `${n(bad)} customer(s) failed${t.refusedAtInput > 0 ? `, ${n(t.refusedAtInput)} of them refused at input` : ''}:`,
  ];
  for (const c of t.byCode.slice(0, 5)) lines.push(`  ${n(c.count)} × ${c.code}: ${c.example}`);
  if (t.byCode.length > 5) lines.push(`  … ${t.byCode.length - 5} more code(s)`);
  if (t.undelivered > 0)
    lines.push(
      `  ${n(t.undelivered)} × not delivered: the document was made, its email or SMS failed or bounced (missive runs report ${t.runId})`,
    );
  lines.push(`see them all: missive runs failures ${t.runId}`);
  if (t.status === 'failed') {
    lines.push(
      `after fixing the cause: missive runs retry-failed ${t.runId}, then the same missive run again`,
    );
    lines.push(`exit ${EXIT_FAILURE}: no document was made`);
    return { code: EXIT_FAILURE, text: `${lines.join('\n')}\n` };
  }
  lines.push(decision.note);
  return { code: decision.code, text: `${lines.join('\n')}\n` };
}
