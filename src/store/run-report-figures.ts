import { type Kysely, sql } from 'kysely';
import { failureList } from './run-failures.ts';
import type { Database } from './schema.ts';

/** The figures of a run report (batch/run-report.ts), each read from the ledger and its neighbours. */

export interface LedgerTallyRow {
  channel: string;
  /** The status, with a failed email/SMS that bounced (unreachable, or a bounce event) as `bounced`. */
  status: string;
  /** A row of the customer's own (not a fallback). */
  own: boolean;
  rows: number;
  pages: number;
  bytes: number;
}

/** The run's ledger by channel, reported status and own/fallback: rows, pages and bytes. */
export async function tallyRunLedger(db: Kysely<Database>, runId: string): Promise<LedgerTallyRow[]> {
  // A failed email/SMS is a bounce when the provider refused the address or there is no address.
  const { rows } = await sql<{
    channel: string;
    rstatus: string;
    own: number | string;
    n: number | string;
    pages: number | string | null;
    bytes: number | string | null;
  }>`
    select channel,
      case when status = 'failed' and channel in ('email', 'sms') and (reason like 'unreachable:%'
        or exists (select 1 from events e where e.communication_id = c.id and e.type = 'bounced'))
        then 'bounced' else status end as rstatus,
      case when fallback_of is null then 1 else 0 end as own,
      count(*) as n, sum(pages) as pages, sum(artifact_size) as bytes
    from communications c where run_id = ${runId}
    group by channel, rstatus, own`.execute(db);
  return rows.map((r) => ({
    channel: r.channel,
    status: r.rstatus,
    own: Number(r.own) === 1,
    rows: Number(r.n),
    pages: Number(r.pages ?? 0),
    bytes: Number(r.bytes ?? 0),
  }));
}

/** Distinct customers with a ledger row of their own (not a fallback) in the run. */
export async function countRunOwnCustomers(db: Kysely<Database>, runId: string): Promise<number> {
  const row = await db
    .selectFrom('communications')
    .select((eb) => eb.fn.count<number>('customer_id').distinct().as('n'))
    .where('run_id', '=', runId)
    .where('fallback_of', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Suppressed ledger rows of the run by reason (`(no reason)` for none), in reason order. */
export async function countSuppressionsByReason(
  db: Kysely<Database>,
  runId: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('communications')
    .select((eb) => ['reason', eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .where('status', '=', 'suppressed')
    .groupBy('reason')
    .orderBy('reason')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.reason ?? '(no reason)', Number(r.n)]));
}

/** The failure list (run-failures.ts: recorded failures and failed sends) by stage and code. */
export async function countFailuresByStage(
  db: Kysely<Database>,
  runId: string,
): Promise<{ stage: string; code: string; count: number }[]> {
  const { rows } = await sql<{ stage: string; code: string; n: number | string }>`
    select x.stage, x.code, count(*) as n from (${failureList(runId)}) x
    group by x.stage, x.code order by x.stage, x.code`.execute(db);
  return rows.map((r) => ({ stage: r.stage, code: r.code, count: Number(r.n) }));
}

/** The run's communications whose history has an entry with this code, by channel. */
export async function countCommunicationsWithHistoryCode(
  db: Kysely<Database>,
  runId: string,
  code: string,
): Promise<Record<string, number>> {
  const { rows } = await sql<{ channel: string; n: number | string }>`
    select c.channel, count(*) as n from communications c
    where c.run_id = ${runId} and exists (select 1 from communication_status_history h
      where h.communication_id = c.id and h.code = ${code})
    group by c.channel order by c.channel`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
}

/** A keyset page of the run's stored decisions (customer id after `after`), as stored. */
export async function pageRunDecisions(
  db: Kysely<Database>,
  runId: string,
  after: string,
  limit: number,
): Promise<{ customer_id: string; holdout: number; decision: string }[]> {
  return db
    .selectFrom('decisions')
    .select(['customer_id', 'holdout', 'decision'])
    .where('run_id', '=', runId)
    .where('customer_id', '>', after)
    .orderBy('customer_id')
    .limit(limit)
    .execute();
}

/** Own ledger rows made per UTC minute (`YYYY-MM-DDTHH:MM` → rows), in order. */
export async function countRowsPerMinute(
  db: Kysely<Database>,
  runId: string,
): Promise<{ minute: string; rows: number }[]> {
  const rows = await sql<{ minute: string; n: number | string }>`
    select substr(created_at, 1, 16) as minute, count(*) as n from communications
    where run_id = ${runId} and fallback_of is null group by minute order by minute`.execute(db);
  return rows.rows.map((r) => ({ minute: r.minute, rows: Number(r.n) }));
}
