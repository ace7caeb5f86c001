import { type Kysely, sql } from 'kysely';
import { nowIso } from './json.ts';
import { getRun, type RunRecord } from './runs.ts';
import type { Database } from './schema.ts';

/** A run of a communication type and period, with whether it made any document (src/batch/run-period.ts). */
export interface PeriodRun {
  run: RunRecord;
  /** At least one document of it was made (a ledger row with an artifact): it may have reached customers. */
  madeDocuments: boolean;
}

/** The runs of a communication type and as-of date that no later run replaced, oldest first. */
export async function listPeriodRuns(
  db: Kysely<Database>,
  communicationType: string,
  asOf: string,
): Promise<PeriodRun[]> {
  const { rows } = await sql<{ id: string; made: number | string }>`
    select r.id, case when exists (select 1 from communications c
        where c.run_id = r.id and c.artifact_sha256 is not null) then 1 else 0 end as made
    from runs r
    where r.communication_type = ${communicationType} and r.as_of = ${asOf} and r.superseded_by is null
    order by r.created_at, r.id`.execute(db);
  const out: PeriodRun[] = [];
  for (const row of rows) {
    const run = await getRun(db, row.id);
    if (run) out.push({ run, madeDocuments: Number(row.made) === 1 });
  }
  return out;
}

/**
 * Marks `oldId` replaced by `newId`, once: compare-and-set on `superseded_by` being null, so two
 * runs cannot both replace the same one. Says whether it did.
 */
export async function markRunSuperseded(
  db: Kysely<Database>,
  oldId: string,
  newId: string,
  at: string = nowIso(),
): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({ superseded_by: newId, superseded_at: at })
    .where('id', '=', oldId)
    .where('superseded_by', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
