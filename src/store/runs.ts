import { type Kysely, type Selectable, sql } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { RunStatus } from '../core/types.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import { failureList } from './run-failures.ts';
import type { Database, RunsTable } from './schema.ts';

export interface RunRecord {
  id: string;
  communicationType: string;
  templateVersionId: string;
  asOf: string;
  status: RunStatus;
  source: string;
  customersTotal: number | null;
  options: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** How many times the run has been planned; chunk job ids carry it. */
  generation: number;
  /** The report frozen when the run finished (see src/batch/run-report.ts), or null. */
  report: unknown;
  /** The run that replaced this one for its type and as-of (src/batch/run-period.ts), or null. */
  supersededBy: string | null;
  supersededAt: string | null;
}

export interface NewRun {
  id: string;
  communicationType: string;
  templateVersionId: string;
  asOf: string;
  source: string;
  status?: RunStatus;
  options?: Record<string, unknown>;
}

const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Creates the run unless one with this id exists; either way returns the stored run. */
export async function createRunIfAbsent(
  db: Kysely<Database>,
  run: NewRun,
): Promise<{ run: RunRecord; created: boolean }> {
  const result = await db
    .insertInto('runs')
    .values({
      id: run.id,
      communication_type: run.communicationType,
      template_version_id: run.templateVersionId,
      as_of: run.asOf,
      status: run.status ?? 'planning',
      source: run.source,
      customers_total: null,
      options: canonicalJson(run.options ?? {}),
      created_at: nowIso(),
      started_at: null,
      finished_at: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  const stored = await getRun(db, run.id);
  if (!stored)
    throw new MissiveError('MSV_RUN_NOT_FOUND', `run ${run.id} vanished after insert`, { runId: run.id });
  return { run: stored, created: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/** One run by id, or undefined. */
export async function getRun(db: Kysely<Database>, id: string): Promise<RunRecord | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToRun(row) : undefined;
}

/**
 * Moves a run to `status`. The first move to `running` stamps `started_at`; completed, failed and
 * cancelled stamp `finished_at`; anything else clears it (a resumed run is not finished).
 */
export async function updateRunStatus(
  db: Kysely<Database>,
  id: string,
  status: RunStatus,
  at: string = nowIso(),
): Promise<RunRecord> {
  const result = await db
    .updateTable('runs')
    .set((eb) => ({
      status,
      started_at: status === 'running' ? eb.fn.coalesce('started_at', eb.val(at)) : eb.ref('started_at'),
      finished_at: FINISHED.includes(status) ? at : null,
    }))
    .where('id', '=', id)
    .executeTakeFirst();
  const run = Number(result.numUpdatedRows) > 0 ? await getRun(db, id) : undefined;
  if (!run) throw runNotFound(id);
  return run;
}

/**
 * Sets how many customers a run has once it is planned.
 * @throws MissiveError MSV_RUN_NOT_FOUND when there is no such run.
 */
export async function setRunTotal(db: Kysely<Database>, id: string, total: number): Promise<void> {
  const result = await db
    .updateTable('runs')
    .set({ customers_total: total })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw runNotFound(id);
}

/**
 * Compare-and-set on the run's status: moves to `to` only from one of `from`, and says whether it
 * did (two workers finishing the same run: one wins). Stamps like updateRunStatus.
 */
export async function transitionRunStatus(
  db: Kysely<Database>,
  id: string,
  from: readonly RunStatus[],
  to: RunStatus,
  options: { newPlan?: boolean; at?: string } = {},
): Promise<boolean> {
  const at = options.at ?? nowIso();
  const result = await db
    .updateTable('runs')
    .set((eb) => ({
      status: to,
      started_at: to === 'running' ? eb.fn.coalesce('started_at', eb.val(at)) : eb.ref('started_at'),
      finished_at: FINISHED.includes(to) ? at : null,
      generation: options.newPlan ? eb('generation', '+', 1) : eb.ref('generation'),
    }))
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces the run's options (JSON), e.g. what its customer file held once it was read. */
export async function setRunOptions(
  db: Kysely<Database>,
  id: string,
  options: Record<string, unknown>,
): Promise<void> {
  const result = await db
    .updateTable('runs')
    .set({ options: canonicalJson(options) })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw runNotFound(id);
}

/**
 * Sets `options[key]` unless the run's options already have it, and returns the value they hold
 * afterwards (yours, or the one another process set first): a compare-and-set on the options text,
 * so two workers pinning a run's brand at once agree on one. MSV_RUN_NOT_FOUND without the run.
 */
export async function setRunOptionIfAbsent(
  db: Kysely<Database>,
  id: string,
  key: string,
  value: unknown,
): Promise<unknown> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const row = await db.selectFrom('runs').select('options').where('id', '=', id).executeTakeFirst();
    if (!row) throw runNotFound(id);
    const options = parseJson<Record<string, unknown>>(row.options) ?? {};
    if (options[key] !== undefined) return options[key];
    const result = await db
      .updateTable('runs')
      .set({ options: canonicalJson({ ...options, [key]: value }) })
      .where('id', '=', id)
      .where('options', '=', row.options)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return value;
  }
  throw new MissiveError('MSV_RUN_STATE', `run ${id}: its options kept changing while ${key} was set`, {
    runId: id,
  });
}

/** Freezes the run report (JSON) on the run. */
export async function saveRunReport(db: Kysely<Database>, id: string, report: unknown): Promise<void> {
  await db
    .updateTable('runs')
    .set({ report: canonicalJson(report) })
    .where('id', '=', id)
    .execute();
}

/** Newest first. */
export async function listRuns(
  db: Kysely<Database>,
  options: { status?: RunStatus | readonly RunStatus[]; limit?: number } = {},
): Promise<RunRecord[]> {
  let query = db
    .selectFrom('runs')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100);
  if (typeof options.status === 'string') query = query.where('status', '=', options.status);
  else if (options.status) query = query.where('status', 'in', options.status);
  return (await query.execute()).map(rowToRun);
}

/** How the run's customers ended, from their own ledger rows (fallback paper not counted again). */
export interface RunOutcomeCounts {
  /** Customers with a ledger row of their own. */
  customers: number;
  /** Own rows that ended `failed`: the document could not be made, or it was made but not delivered. */
  failed: number;
  /** Of `failed`, those with no document (failed before or while rendering). */
  notMade: number;
}

/** One query over the run's own ledger rows: how many customers, failed, and failed without a document. */
export async function countRunOutcomes(db: Kysely<Database>, runId: string): Promise<RunOutcomeCounts> {
  const { rows } = await sql<{
    customers: number | string;
    failed: number | string | null;
    not_made: number | string | null;
  }>`
    select count(*) as customers,
      sum(case when status = 'failed' then 1 else 0 end) as failed,
      sum(case when status = 'failed' and artifact_sha256 is null then 1 else 0 end) as not_made
    from communications where run_id = ${runId} and fallback_of is null`.execute(db);
  const row = rows[0];
  return {
    customers: Number(row?.customers ?? 0),
    failed: Number(row?.failed ?? 0),
    notMade: Number(row?.not_made ?? 0),
  };
}

/**
 * The run's failure list (`missive runs failures`) counted by code, most common first, each with
 * one of its reasons as an example: "7,043 × MSV_DATA_MISSING: customer 1 has no rows in feed accounts".
 */
export async function countRunFailuresByCode(
  db: Kysely<Database>,
  runId: string,
): Promise<{ code: string; count: number; example: string }[]> {
  const { rows } = await sql<{ code: string; n: number | string; example: string | null }>`
    select x.code, count(*) as n, min(x.reason) as example from (${failureList(runId)}) x
    group by x.code`.execute(db);
  return rows
    .map((r) => ({ code: r.code, count: Number(r.n), example: String(r.example ?? '') }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

function rowToRun(row: Selectable<RunsTable>): RunRecord {
  return {
    id: row.id,
    communicationType: row.communication_type,
    templateVersionId: row.template_version_id,
    asOf: row.as_of,
    status: row.status as RunStatus,
    source: row.source,
    customersTotal: row.customers_total === null ? null : Number(row.customers_total),
    options: parseJson<Record<string, unknown>>(row.options),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    generation: Number(row.generation ?? 0),
    report: row.report ? parseJson<unknown>(row.report) : null,
    supersededBy: row.superseded_by ?? null,
    supersededAt: row.superseded_at ?? null,
  };
}

function runNotFound(id: string): MissiveError {
  return new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${id}`, { runId: id });
}

/** Type, as-of date and successor of these runs (the call center's timeline). */
export async function listRunHeadings(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<{ id: string; communication_type: string; as_of: string; superseded_by: string | null }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('runs')
    .select(['id', 'communication_type', 'as_of', 'superseded_by'])
    .where('id', 'in', ids)
    .execute();
}

/** The source of an on-demand run (one request, one customer: src/on-demand/communicate.ts). */
export const ON_DEMAND_RUN_SOURCE = 'on-demand';
