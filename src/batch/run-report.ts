import { type Kysely, sql } from 'kysely';
import { RESENT_AFTER_UNKNOWN } from '../channels/dispatch.ts';
import { MissiveError } from '../core/errors.ts';
import type { RunStatus } from '../core/types.ts';
import { parseJson } from '../store/json.ts';
import { listPrintStreams } from '../store/print-streams.ts';
import { failureList } from '../store/run-failures.ts';
import { countRunOutcomes, getRun, type RunRecord } from '../store/runs.ts';
import type { Database } from '../store/schema.ts';
import { type Reconciliation, reconcile } from './reconcile.ts';
import type { FileSourceOptions } from './run-source.ts';

/**
 * The run report, from the ledger and its neighbours (decisions, failures, print streams): what a
 * run did, per channel and status, and whether it reconciles (src/batch/reconcile.ts). Computed on
 * demand — live while the run goes — and frozen on the run when it completes.
 */
export interface RunReport {
  runId: string;
  communicationType: string;
  asOf: string;
  templateVersionId: string;
  status: RunStatus;
  generation: number;
  /** Where the customers came from: store:all, segment:<name> or file:<hash> (see run-source.ts). */
  source: string;
  /** A file run's file: its data rows and how many were refused (stage `input` in the failures). */
  input: FileSourceOptions | null;
  reconciliation: Reconciliation;
  /** channel → status → rows (failed email/SMS split into bounced and failed). */
  byChannel: Record<string, Record<string, number>>;
  suppressions: Record<string, number>;
  /** Decisions that sent nothing, by rule (`no-eligible-offer`, `frequency-cap`, `no-channel`…). */
  suppressedByRule: Record<string, number>;
  failures: { stage: string; code: string; count: number }[];
  /**
   * Sends resent after an interrupted send whose outcome nobody could tell (no lookup on the channel,
   * no receipt in the send journal): the customer may hold two copies. Channel → communications.
   */
  possibleDuplicates: Record<string, number>;
  /** segment → offer id → customers offered it. */
  offersBySegment: Record<string, Record<string, number>>;
  holdout: number;
  decisions: number;
  pagesArchived: number;
  bytesArchived: number;
  print: {
    files: number;
    documents: number;
    pages: number;
    physicalPages: number;
    sheets: number;
    envelopes: number;
  } | null;
  startedAt: string | null;
  finishedAt: string | null;
  wallTimeMs: number | null;
  /** Customers accounted for per second of wall time. */
  customersPerSecond: number | null;
  /** Own ledger rows made per minute (UTC minute → rows): the throughput over time. */
  perMinute: { minute: string; rows: number }[];
}

interface TallyRow {
  channel: string;
  rstatus: string;
  own: number | string;
  n: number | string;
  pages: number | string | null;
  bytes: number | string | null;
}

export async function buildRunReport(
  db: Kysely<Database>,
  runId: string,
  now = new Date(),
): Promise<RunReport> {
  const run = await getRun(db, runId);
  if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${runId}`, { runId });
  // A failed email/SMS is a bounce when the provider refused the address or there is no address.
  const tally = await sql<TallyRow>`
    select channel,
      case when status = 'failed' and channel in ('email', 'sms') and (reason like 'unreachable:%'
        or exists (select 1 from events e where e.communication_id = c.id and e.type = 'bounced'))
        then 'bounced' else status end as rstatus,
      case when fallback_of is null then 1 else 0 end as own,
      count(*) as n, sum(pages) as pages, sum(artifact_size) as bytes
    from communications c where run_id = ${runId}
    group by channel, rstatus, own`.execute(db);
  const byChannel: Record<string, Record<string, number>> = {};
  let primaryRows = 0;
  let pagesArchived = 0;
  let bytesArchived = 0;
  for (const r of tally.rows) {
    const n = Number(r.n);
    const channel = byChannel[r.channel] ?? {};
    channel[r.rstatus] = (channel[r.rstatus] ?? 0) + n;
    byChannel[r.channel] = channel;
    if (Number(r.own) === 1) primaryRows += n;
    pagesArchived += Number(r.pages ?? 0);
    bytesArchived += Number(r.bytes ?? 0);
  }
  const customers = await db
    .selectFrom('communications')
    .select((eb) => eb.fn.count<number>('customer_id').distinct().as('n'))
    .where('run_id', '=', runId)
    .where('fallback_of', 'is', null)
    .executeTakeFirstOrThrow();
  const reconciliation = reconcile({
    customersIn: run.customersTotal ?? 0,
    primaryRows,
    primaryCustomers: Number(customers.n),
    rows: byChannel,
    finished: run.status === 'completed',
  });
  const wallTimeMs = runWallTimeMs(run, now);
  return {
    runId,
    communicationType: run.communicationType,
    asOf: run.asOf,
    templateVersionId: run.templateVersionId,
    status: run.status,
    generation: run.generation,
    source: run.source,
    input: (run.options.input as FileSourceOptions | undefined) ?? null,
    reconciliation,
    byChannel,
    suppressions: await suppressionsByReason(db, runId),
    failures: await failuresByStage(db, runId),
    possibleDuplicates: await countPossibleDuplicates(db, runId),
    ...(await offersAndHoldout(db, runId)),
    pagesArchived,
    bytesArchived,
    print: await printTotals(db, runId),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    wallTimeMs,
    customersPerSecond: wallTimeMs ? (reconciliation.customersAccounted / wallTimeMs) * 1000 : null,
    perMinute: await rowsPerMinute(db, runId),
  };
}

/**
 * The run's own wall time: from its recorded start (its first move to `running`) to its recorded
 * finish, or to `now` while it is not finished — whichever processes did the work, however often it
 * was resumed. Null before it started.
 */
export function runWallTimeMs(
  run: Pick<RunRecord, 'startedAt' | 'finishedAt'>,
  now = new Date(),
): number | null {
  if (!run.startedAt) return null;
  const endMs = run.finishedAt ? Date.parse(run.finishedAt) : now.getTime();
  return Math.max(0, endMs - Date.parse(run.startedAt));
}

/** What a run summary says of time and rate: the run report's figures, without the rest of the report. */
export interface RunTiming {
  startedAt: string | null;
  wallTimeMs: number | null;
  /** Customers accounted for (own ledger rows) per second of the run's wall time. */
  customersPerSecond: number | null;
}

export async function readRunTiming(
  db: Kysely<Database>,
  runId: string,
  now = new Date(),
): Promise<RunTiming> {
  const run = await getRun(db, runId);
  if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${runId}`, { runId });
  const wallTimeMs = runWallTimeMs(run, now);
  const { customers } = await countRunOutcomes(db, runId);
  return {
    startedAt: run.startedAt,
    wallTimeMs,
    customersPerSecond: wallTimeMs ? (customers / wallTimeMs) * 1000 : null,
  };
}

async function suppressionsByReason(db: Kysely<Database>, runId: string): Promise<Record<string, number>> {
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

/** The failure list (src/store/run-failures.ts: recorded failures and failed sends) by stage and code. */
async function failuresByStage(db: Kysely<Database>, runId: string): Promise<RunReport['failures']> {
  const { rows } = await sql<{ stage: string; code: string; n: number | string }>`
    select x.stage, x.code, count(*) as n from (${failureList(runId)}) x
    group by x.stage, x.code order by x.stage, x.code`.execute(db);
  return rows.map((r) => ({ stage: r.stage, code: r.code, count: Number(r.n) }));
}

/** The run's communications resent after `unknown` (history code `resent-after-unknown`), by channel. */
export async function countPossibleDuplicates(
  db: Kysely<Database>,
  runId: string,
): Promise<Record<string, number>> {
  const { rows } = await sql<{ channel: string; n: number | string }>`
    select c.channel, count(*) as n from communications c
    where c.run_id = ${runId} and exists (select 1 from communication_status_history h
      where h.communication_id = c.id and h.code = ${RESENT_AFTER_UNKNOWN})
    group by c.channel order by c.channel`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
}

/** Pages through the run's decisions (keyset on customer id), keeping only the tallies. */
async function offersAndHoldout(
  db: Kysely<Database>,
  runId: string,
): Promise<Pick<RunReport, 'offersBySegment' | 'holdout' | 'decisions' | 'suppressedByRule'>> {
  const offersBySegment: Record<string, Record<string, number>> = {};
  const suppressedByRule: Record<string, number> = {};
  let holdout = 0;
  let decisions = 0;
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('decisions')
      .select(['customer_id', 'holdout', 'decision'])
      .where('run_id', '=', runId)
      .where('customer_id', '>', after)
      .orderBy('customer_id')
      .limit(2_000)
      .execute();
    if (page.length === 0) break;
    for (const row of page) {
      decisions += 1;
      if (Number(row.holdout) === 1) holdout += 1;
      const d = parseJson<{
        segment?: string;
        offers?: { offerId: string }[];
        suppressed?: { rule: string } | null;
      }>(row.decision);
      if (d.suppressed) suppressedByRule[d.suppressed.rule] = (suppressedByRule[d.suppressed.rule] ?? 0) + 1;
      const key = d.segment ?? '(none)';
      const segment = offersBySegment[key] ?? {};
      for (const o of d.offers ?? []) segment[o.offerId] = (segment[o.offerId] ?? 0) + 1;
      offersBySegment[key] = segment;
    }
    after = page[page.length - 1]!.customer_id;
  }
  return { offersBySegment, holdout, decisions, suppressedByRule };
}

async function printTotals(db: Kysely<Database>, runId: string): Promise<RunReport['print']> {
  const streams = await listPrintStreams(db, runId);
  if (streams.length === 0) return null;
  const sum = (k: 'documents' | 'pages' | 'physicalPages' | 'sheets' | 'envelopes') =>
    streams.reduce((n, s) => n + s[k], 0);
  return {
    files: streams.length,
    documents: sum('documents'),
    pages: sum('pages'),
    physicalPages: sum('physicalPages'),
    sheets: sum('sheets'),
    envelopes: sum('envelopes'),
  };
}

async function rowsPerMinute(db: Kysely<Database>, runId: string): Promise<RunReport['perMinute']> {
  const rows = await sql<{ minute: string; n: number | string }>`
    select substr(created_at, 1, 16) as minute, count(*) as n from communications
    where run_id = ${runId} and fallback_of is null group by minute order by minute`.execute(db);
  return rows.rows.map((r) => ({ minute: r.minute, rows: Number(r.n) }));
}
