import type { Kysely } from 'kysely';
import { nowIso } from './json.ts';
import type { Database } from './schema.ts';

export interface RunFailure {
  runId: string;
  customerId: string;
  stage: 'decide' | 'render' | 'archive' | 'dispatch' | (string & {});
  code: string;
  reason: string;
  at?: string;
  /** Input rejects (stage `input`): the line of the customer file and the field at fault. */
  line?: number | null;
  field?: string | null;
}

/** Why a customer failed in a run, at which stage: the "failed (with reason)" of invariant 2. */
export async function recordRunFailure(db: Kysely<Database>, failure: RunFailure): Promise<void> {
  await db
    .insertInto('run_failures')
    .values({
      run_id: failure.runId,
      customer_id: failure.customerId,
      stage: failure.stage,
      code: failure.code,
      reason: failure.reason,
      at: failure.at ?? nowIso(),
      line: failure.line ?? null,
      field: failure.field ?? null,
    })
    .execute();
}

/** Forgets a run's input rejects, before its customer file is read again (an interrupted import). */
export async function clearInputFailures(db: Kysely<Database>, runId: string): Promise<void> {
  await db.deleteFrom('run_failures').where('run_id', '=', runId).where('stage', '=', 'input').execute();
}

/** Oldest first. */
export async function listRunFailures(
  db: Kysely<Database>,
  runId: string,
  options: { limit?: number; stage?: string } = {},
): Promise<Required<RunFailure>[]> {
  const rows = await db
    .selectFrom('run_failures')
    .select(['run_id', 'customer_id', 'stage', 'code', 'reason', 'at', 'line', 'field'])
    .where('run_id', '=', runId)
    .$if(options.stage !== undefined, (q) => q.where('stage', '=', options.stage!))
    .orderBy('id')
    .limit(options.limit ?? 10_000)
    .execute();
  return rows.map((r) => ({
    runId: r.run_id,
    customerId: r.customer_id,
    stage: r.stage,
    code: r.code,
    reason: r.reason,
    at: r.at,
    line: r.line === null ? null : Number(r.line),
    field: r.field,
  }));
}
