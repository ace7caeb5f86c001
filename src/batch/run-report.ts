import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { RESENT_AFTER_UNKNOWN } from '../core/history-codes.ts';
import type { RunStatus } from '../core/types.ts';
import {
  countCommunicationsWithHistoryCode,
  countFailuresByStage,
  countRowsPerMinute,
  countRunOutcomes,
  countRunOwnCustomers,
  countSuppressionsByReason,
  type Database,
  getRun,
  listPrintStreams,
  pageRunDecisions,
  parseJson,
  type RunRecord,
  tallyRunLedger,
} from '../store/index.ts';
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

/**
 * A run's report: per channel and status counts, archived pages and bytes, reconciliation (RELIABILITY N6).
 * @throws MissiveError MSV_RUN_NOT_FOUND.
 */
export async function buildRunReport(
  db: Kysely<Database>,
  runId: string,
  now = new Date(),
): Promise<RunReport> {
  const run = await getRun(db, runId);
  if (!run) throw new MissiveError('MSV_RUN_NOT_FOUND', `no run with id ${runId}`, { runId });
  const byChannel: Record<string, Record<string, number>> = {};
  let primaryRows = 0;
  let pagesArchived = 0;
  let bytesArchived = 0;
  for (const r of await tallyRunLedger(db, runId)) {
    const channel = byChannel[r.channel] ?? {};
    channel[r.status] = (channel[r.status] ?? 0) + r.rows;
    byChannel[r.channel] = channel;
    if (r.own) primaryRows += r.rows;
    pagesArchived += r.pages;
    bytesArchived += r.bytes;
  }
  const reconciliation = reconcile({
    customersIn: run.customersTotal ?? 0,
    primaryRows,
    primaryCustomers: await countRunOwnCustomers(db, runId),
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
    suppressions: await countSuppressionsByReason(db, runId),
    failures: await countFailuresByStage(db, runId),
    possibleDuplicates: await countPossibleDuplicates(db, runId),
    ...(await offersAndHoldout(db, runId)),
    pagesArchived,
    bytesArchived,
    print: await printTotals(db, runId),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    wallTimeMs,
    customersPerSecond: wallTimeMs ? (reconciliation.customersAccounted / wallTimeMs) * 1000 : null,
    perMinute: await countRowsPerMinute(db, runId),
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

/**
 * A run's start, wall time and customers done so far.
 * @throws MissiveError MSV_RUN_NOT_FOUND.
 */
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

/** The run's communications resent after `unknown` (history code `resent-after-unknown`), by channel. */
export async function countPossibleDuplicates(
  db: Kysely<Database>,
  runId: string,
): Promise<Record<string, number>> {
  return countCommunicationsWithHistoryCode(db, runId, RESENT_AFTER_UNKNOWN);
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
    const page = await pageRunDecisions(db, runId, after, 2_000);
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
