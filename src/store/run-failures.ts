import { type Kysely, sql } from 'kysely';
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

/**
 * The run's failure list (`missive runs failures`, the report's failures, the end of `missive run`):
 * every customer that failed, whatever the stage. The recorded failures (input, decide, render,
 * archive, print) first, oldest first; then the sends that failed — an email or SMS made but not
 * delivered (refused for good, bounced, unreachable, header injection, given up) — read from the
 * ledger itself, so no path that marks a send `failed` can leave it out: stage `dispatch`, the code
 * of its move to `failed` (or the provider's), the channel and the reason.
 */
export function failureList(runId: string) {
  return sql<FailureListRow>`
    select f.customer_id, f.stage, f.code, f.reason, f.at, f.line, f.field, 0 as part, f.id as seq
      from run_failures f where f.run_id = ${runId}
    union all
    select c.customer_id, 'dispatch' as stage,
      coalesce((select h.code from communication_status_history h
                  where h.communication_id = c.id and h.status = 'failed' and h.code is not null
                  order by h.id desc limit 1),
               c.error_code, 'MSV_CHANNEL_REJECTED') as code,
      c.channel || ' ' || coalesce(c.reason, 'failed') as reason,
      c.updated_at as at, null as line, null as field, 1 as part, 0 as seq
      from communications c
      where c.run_id = ${runId} and c.status = 'failed' and c.fallback_of is null
        and c.artifact_sha256 is not null
        and not exists (select 1 from run_failures r where r.run_id = c.run_id and r.customer_id = c.customer_id)`;
}

interface FailureListRow {
  customer_id: string;
  stage: string;
  code: string;
  reason: string;
  at: string;
  line: number | string | null;
  field: string | null;
}

/** The failure list (see failureList): recorded failures oldest first, then failed sends. */
export async function listRunFailures(
  db: Kysely<Database>,
  runId: string,
  options: { limit?: number; stage?: string } = {},
): Promise<Required<RunFailure>[]> {
  const stage = options.stage === undefined ? sql`` : sql`where x.stage = ${options.stage}`;
  const { rows } = await sql<FailureListRow>`
    select x.customer_id, x.stage, x.code, x.reason, x.at, x.line, x.field
    from (${failureList(runId)}) x ${stage}
    order by x.part, x.seq, x.at, x.customer_id
    limit ${options.limit ?? 10_000}`.execute(db);
  return rows.map((r) => ({
    runId,
    customerId: r.customer_id,
    stage: r.stage,
    code: r.code,
    reason: r.reason,
    at: r.at,
    line: r.line === null ? null : Number(r.line),
    field: r.field,
  }));
}
