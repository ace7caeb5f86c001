import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { RunStatus } from '../core/types.ts';
import {
  createRunIfAbsent,
  type Database,
  getRun,
  inTransaction,
  listPeriodRuns,
  markRunSuperseded,
  type NewRun,
  type PeriodRun,
  type RunRecord,
} from '../store/index.ts';
import { ALL_CUSTOMERS } from './run-source.ts';

/**
 * One document per customer per period (issue 17 item 8). A run is named by (type, as-of, template
 * version, source), so a second run for the same type and as-of — after a template change, say — has
 * another id and would send every customer a second statement for the month. It is refused
 * (`MSV_RUN_PERIOD_TAKEN`, exit 1) while an earlier run of that type and as-of **stands**:
 *
 * - it covers some of the same customers: either run is over every customer (`store:all`), or both
 *   have the same source (two different customer files or segments are taken as different
 *   customers, parts of one period — they are not compared customer by customer);
 * - it was not replaced already (`superseded_by`);
 * - it may have reached customers: it is not finished (planning, running, paused, completed), or it
 *   ended failed or cancelled after making at least one document. A run that failed before making
 *   anything (its feeds were missing, every customer failed) does not stand in the way.
 *
 * `--supersede RUN` names the run the new one replaces: it must be a finished run (completed, failed,
 * cancelled) of the same type and as-of, not already replaced, and the only one standing; the new
 * run is created and the old one marked in one transaction, and both are kept (the call-center
 * timeline shows both, the replaced one labelled). Asking for the same run again (the same id: a
 * resume) is never checked: it goes on as before.
 */

const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export interface PeriodClaim {
  run: RunRecord;
  /** False when the run existed already (a resume). */
  created: boolean;
  /** The run this one replaced (`--supersede`), when it did so now. */
  superseded?: RunRecord;
}

/**
 * Creates the run named by `newRun` unless it exists; refuses a second run for the period (see the
 * module comment) unless `supersede` names the one it replaces. Throws MSV_RUN_PERIOD_TAKEN, or
 * MSV_CONFIG_INVALID (field `--supersede`, exit 2) for a `supersede` that is not a run of the same
 * type and as-of, or MSV_RUN_STATE for one that is still going or replaced already.
 */
export async function claimRunPeriod(
  db: Kysely<Database>,
  newRun: NewRun,
  supersede?: string | undefined,
): Promise<PeriodClaim> {
  const existing = await getRun(db, newRun.id);
  if (existing) return { run: existing, created: false };
  const replaced = supersede === undefined ? undefined : await checkSupersede(db, newRun, supersede);
  return inTransaction(db, async (trx) => {
    const standing = (await listPeriodRuns(trx, newRun.communicationType, newRun.asOf)).filter(
      (p) => p.run.id !== newRun.id && p.run.id !== replaced?.id && stands(p, newRun.source),
    );
    if (standing.length > 0) throw periodTaken(newRun, standing, replaced);
    const { run, created } = await createRunIfAbsent(trx, newRun);
    if (!replaced || !created) return { run, created };
    if (!(await markRunSuperseded(trx, replaced.id, run.id)))
      throw new MissiveError('MSV_RUN_STATE', `run ${replaced.id} was replaced by another run meanwhile`, {
        runId: replaced.id,
      });
    return { run, created, superseded: replaced };
  });
}

/** The source of the on-demand API's one-customer runs (src/on-demand/communicate.ts). */
const ON_DEMAND = 'on-demand';

/** Whether an earlier run of the period stands in the way of a run over `source` (module comment). */
export function stands(p: PeriodRun, source: string): boolean {
  // An on-demand communication (a reminder sent the day a payment failed) is not the period's run.
  if (p.run.source === ON_DEMAND || source === ON_DEMAND) return false;
  const overlaps = p.run.source === ALL_CUSTOMERS || source === ALL_CUSTOMERS || p.run.source === source;
  if (!overlaps) return false;
  if (p.run.status === 'failed' || p.run.status === 'cancelled') return p.madeDocuments;
  return true;
}

async function checkSupersede(db: Kysely<Database>, newRun: NewRun, id: string): Promise<RunRecord> {
  const old = await getRun(db, id);
  if (!old || old.communicationType !== newRun.communicationType || old.asOf !== newRun.asOf)
    throw new MissiveError(
      'MSV_CONFIG_INVALID',
      old
        ? `--supersede ${id}: that run is ${old.communicationType} as of ${old.asOf}, not ${newRun.communicationType} as of ${newRun.asOf}`
        : `--supersede ${id}: no such run (missive runs list shows them)`,
      { field: '--supersede', runId: id },
    );
  if (old.supersededBy)
    throw new MissiveError('MSV_RUN_STATE', `run ${id} was already replaced by run ${old.supersededBy}`, {
      runId: id,
      status: old.status,
    });
  if (!FINISHED.includes(old.status))
    throw new MissiveError(
      'MSV_RUN_STATE',
      `run ${id} is ${old.status}: a run still going cannot be replaced; cancel it first (missive runs cancel ${id})`,
      { runId: id, status: old.status },
    );
  return old;
}

function periodTaken(newRun: NewRun, standing: PeriodRun[], replaced: RunRecord | undefined): MissiveError {
  const first = standing[0]!.run;
  const list = standing
    .map(({ run }) => `${run.id} (${run.status}, ${run.customersTotal ?? '?'} customers, ${run.source})`)
    .join(', ');
  const what = `${newRun.communicationType} as of ${newRun.asOf}`;
  const hint = replaced
    ? `it replaces ${replaced.id}, but ${standing.length === 1 ? 'this run stands' : 'these runs stand'} too`
    : `to replace it (a customer gets one document per period): missive run ${newRun.communicationType} --as-of ${newRun.asOf} --supersede ${first.id}`;
  return new MissiveError(
    'MSV_RUN_PERIOD_TAKEN',
    `${what} was already run: ${list}; a second run would give its customers a second document for the period. ${hint}`,
    { runId: first.id },
  );
}
