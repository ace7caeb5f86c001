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
    })
    .execute();
}

/** Oldest first. */
export async function listRunFailures(
  db: Kysely<Database>,
  runId: string,
  options: { limit?: number } = {},
): Promise<Required<RunFailure>[]> {
  const rows = await db
    .selectFrom('run_failures')
    .select(['run_id', 'customer_id', 'stage', 'code', 'reason', 'at'])
    .where('run_id', '=', runId)
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
  }));
}
