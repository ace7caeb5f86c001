import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import {
  abandonFeedLoad,
  completeFeedLoad,
  currentFeedLoad,
  type FeedRowInsert,
  findFeedOrphans,
  insertFeedRows,
  type Orphans,
  staleFeedLoads,
  startFeedLoad,
} from '../../store/feeds.ts';
import type { Database } from '../../store/schema.ts';
import { openCsvReader } from '../csv-reader.ts';
import { openNdjsonReader } from '../ndjson-reader.ts';
import type { ImportReject } from '../reject-report.ts';
import { field, traitCoercer } from '../row-mapper.ts';
import { cannotRead } from '../source-format.ts';
import type { RowProblem, SourceItem, SourceRow } from '../source-row.ts';
import { type ControlTotals, ExactSum, readControlTotals, scaledText, toScaled } from './control-totals.ts';
import { CUSTOMER_PARENT, type DataSource, type FeedSpec } from './datasource.ts';

export interface LoadFeedOptions {
  db: Kysely<Database>;
  datasource: DataSource;
  feed: string;
  file: string;
  /** The period the file is for (YYYY-MM-DD); the control file's asOf must agree when it has one. */
  asOf: string;
  now?: () => Date;
  /** Called for every refused row, problem by problem (the CLI writes the reject report). */
  onReject?: (reject: ImportReject) => Promise<void> | void;
  onProgress?: (progress: { rows: number; rejected: number; bytesRead: number; totalBytes: number }) => void;
  /** How many rejects and orphans the summary carries (default 100). */
  maxInSummary?: number;
}

export interface FeedLoadSummary {
  datasource: string;
  feed: string;
  asOf: string;
  file: string;
  /** loaded: a new period; replaced: a corrected file took the period's place; unchanged: this file was already loaded. */
  outcome: 'loaded' | 'replaced' | 'unchanged';
  loadId: number;
  /** Data records read (good and rejected). */
  records: number;
  rows: number;
  rejected: number;
  rejects: ImportReject[];
  orphans: Orphans;
  amountSum: string | null;
  control:
    | { status: 'none' }
    | {
        status: 'ok' | 'mismatch';
        file: string;
        expectedRows: number | null;
        expectedAmount: string | null;
        detail: string;
      };
  seconds: number;
}

/** Rows per insert call (and per SQLite transaction). */
const WRITE_BATCH = 5_000;

/**
 * Streams one extract into the store as a feed of a data source for an as-of period: every record
 * mapped by the feed's typed fields (the customer-mapping language), refused with line, field and
 * reason when bad, written in bulk; then orphans (rows whose parent does not exist) are counted and
 * the control totals compared. Loading the same file again changes nothing; another file for the
 * same feed and period replaces it whole (in one transaction at the end: a run never sees half).
 */
export async function loadFeed(options: LoadFeedOptions): Promise<FeedLoadSummary> {
  const started = Date.now();
  const { db, datasource, asOf, file } = options;
  const feed = feedSpec(datasource, options.feed);
  const now = options.now ?? (() => new Date());
  const control = await readControlTotals(file);
  if (control?.asOf && control.asOf !== asOf) {
    throw new MissiveError(
      'MSV_FEED_CONTROL_MISMATCH',
      `${path.basename(control.file)} is for ${control.asOf}, not ${asOf}: load it with --as-of ${control.asOf}`,
      { file: control.file, feed: options.feed },
    );
  }
  const parentLoad = await parentLoadOf(db, datasource, options.feed, feed, asOf);
  const sha256 = await fileSha256(file);
  const current = await currentFeedLoad(db, datasource.name, options.feed, asOf);
  if (current && current.fileSha256 === sha256 && current.definitionSha256 === datasource.sha256) {
    return unchangedSummary(options, current, Date.now() - started);
  }
  for (const stale of await staleFeedLoads(db, datasource.name, options.feed))
    await abandonFeedLoad(db, stale);
  const loadId = await startFeedLoad(db, {
    datasource: datasource.name,
    feed: options.feed,
    asOf,
    fileName: path.basename(file),
    fileSha256: sha256,
    definitionSha256: datasource.sha256,
    startedAt: now().toISOString(),
  });
  try {
    const loaded = await readInto(options, feed, loadId, isParentFeed(datasource, options.feed));
    const orphans = await findFeedOrphans(
      db,
      loadId,
      parentLoad === undefined ? { customers: true } : { loadId: parentLoad },
      options.maxInSummary ?? 100,
    );
    const checked = compareControl(control, loaded.rows, feed.control?.amount ? loaded.amount : null);
    const amountSum = feed.control?.amount ? scaledText(loaded.amount) : null;
    const replaced = await completeFeedLoad(db, loadId, {
      rows: loaded.rows,
      rejected: loaded.rejected,
      orphans: orphans.count,
      amountSum,
      expectedRows: control?.rows ?? null,
      expectedAmount: control?.amount ?? null,
      controlStatus: checked.status,
      controlDetail: checked.status === 'none' ? null : checked.detail,
      finishedAt: now().toISOString(),
    });
    return {
      datasource: datasource.name,
      feed: options.feed,
      asOf,
      file,
      outcome: replaced === undefined ? 'loaded' : 'replaced',
      loadId,
      records: loaded.records,
      rows: loaded.rows,
      rejected: loaded.rejected,
      rejects: loaded.rejects,
      orphans,
      amountSum,
      control: checked,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    await abandonFeedLoad(db, loadId).catch(() => undefined);
    throw err;
  }
}

export function feedSpec(datasource: DataSource, feedName: string): FeedSpec {
  const feed = datasource.spec.feeds[feedName];
  if (feed) return feed;
  throw new MissiveError(
    'MSV_DATASOURCE_INVALID',
    `data source ${datasource.name} has no feed "${feedName}" (feeds: ${Object.keys(datasource.spec.feeds).join(', ') || 'none'})`,
    { file: datasource.file, field: `feeds.${feedName}` },
  );
}

/** Whether another feed joins on this one's key (its keys are then stored and checked for duplicates). */
function isParentFeed(datasource: DataSource, feedName: string): boolean {
  return Object.values(datasource.spec.feeds).some((f) => f.parent === feedName);
}

/** The current load of the parent feed for the same period: it must be loaded first. */
async function parentLoadOf(
  db: Kysely<Database>,
  datasource: DataSource,
  feedName: string,
  feed: FeedSpec,
  asOf: string,
): Promise<number | undefined> {
  if (feed.parent === CUSTOMER_PARENT) return undefined;
  const parent = await currentFeedLoad(db, datasource.name, feed.parent, asOf);
  if (parent) return parent.id;
  throw new MissiveError(
    'MSV_FEED_NOT_LOADED',
    `feed ${feedName} joins on ${feed.parent}, which has no load for ${asOf}: load ${feed.parent} first (missive feeds load ${datasource.name} ${feed.parent} FILE --as-of ${asOf})`,
    { feed: feed.parent, asOf },
  );
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (err) {
    throw cannotRead(file, err);
  }
  return hash.digest('hex');
}

interface Loaded {
  records: number;
  rows: number;
  rejected: number;
  rejects: ImportReject[];
  amount: bigint;
}

async function readInto(
  options: LoadFeedOptions,
  feed: FeedSpec,
  loadId: number,
  keyed: boolean,
): Promise<Loaded> {
  const { db, file } = options;
  const totalBytes = (await fs.stat(file)).size;
  const reader = await openFeedReader(file, feed);
  const mapRow = compileFeedRow(feed);
  const amountField = feed.control?.amount;
  const seenKeys = keyed ? new Map<string, number>() : undefined;
  const max = options.maxInSummary ?? 100;
  const out: Loaded = { records: 0, rows: 0, rejected: 0, rejects: [], amount: 0n };
  const sum = new ExactSum();
  let batch: FeedRowInsert[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await db.transaction().execute((trx) => insertFeedRows(trx, loadId, rows));
  };
  const reject = async (at: { line: number; row: number }, problems: readonly RowProblem[]) => {
    out.rejected += 1;
    for (const problem of problems) {
      const r: ImportReject = { line: at.line, row: at.row, ...problem, customerId: null };
      if (out.rejects.length < max) out.rejects.push(r);
      await options.onReject?.(r);
    }
  };
  try {
    for await (const item of reader as AsyncIterable<SourceItem>) {
      out.records += 1;
      if (item.kind === 'unreadable') {
        await reject(item, [item.problem]);
        continue;
      }
      const mapped = mapRow(item);
      if (!mapped.ok) {
        await reject(item, mapped.problems);
        continue;
      }
      const { values, parentKey, rowKey } = mapped;
      if (seenKeys && rowKey !== null) {
        const first = seenKeys.get(rowKey);
        if (first !== undefined) {
          await reject(item, [
            {
              field: fieldColumn(feed, feed.key),
              reason: `duplicate key (first on line ${first})`,
              code: 'MSV_FEED_DUPLICATE_KEY',
            },
          ]);
          continue;
        }
        seenKeys.set(rowKey, item.line);
      }
      if (amountField !== undefined) {
        const amount = values[amountField];
        if (typeof amount === 'number') sum.add(amount);
      }
      out.rows += 1;
      batch.push({
        parentKey,
        rowKey: seenKeys ? rowKey : null,
        line: item.line,
        data: JSON.stringify(values),
      });
      if (batch.length >= WRITE_BATCH) {
        await flush();
        options.onProgress?.({
          rows: out.records,
          rejected: out.rejected,
          bytesRead: reader.progress.bytesRead,
          totalBytes,
        });
      }
    }
    await flush();
    options.onProgress?.({ rows: out.records, rejected: out.rejected, bytesRead: totalBytes, totalBytes });
  } finally {
    reader.close();
  }
  out.amount = sum.scaled;
  return out;
}

interface FeedReader extends AsyncIterable<SourceItem> {
  readonly progress: { bytesRead: number };
  close(): void;
}

async function openFeedReader(file: string, feed: FeedSpec): Promise<FeedReader> {
  const encoding = feed.encoding === undefined ? {} : { encoding: feed.encoding };
  // TODO(encodings): pass the feed's encoding once the readers take one.
  if (feed.format === 'ndjson') return openNdjsonReader(file);
  const reader = await openCsvReader(file, {
    ...(feed.delimiter ? { delimiter: feed.delimiter } : {}),
    ...encoding,
  } as never);
  const missing = Object.entries(feed.fields).filter(([, spec]) => !reader.columns.includes(spec.from));
  if (missing.length > 0) {
    reader.close();
    const [name, spec] = missing[0]!;
    throw new MissiveError(
      'MSV_INPUT_BAD_MAPPING',
      `feed field ${name} reads column "${spec.from}", which is not in the header [${reader.columns.join(', ')}]`,
      { file, line: 1, field: spec.from },
    );
  }
  return reader;
}

function fieldColumn(feed: FeedSpec, name: string | undefined): string {
  return name === undefined ? '' : (feed.fields[name]?.from ?? name);
}

type FeedRowResult =
  | { ok: true; values: Record<string, unknown>; parentKey: string; rowKey: string | null }
  | { ok: false; problems: RowProblem[] };

/** Maps a source record to the feed's typed fields; the parent key (and own key) must not be empty. */
export function compileFeedRow(feed: FeedSpec): (row: SourceRow) => FeedRowResult {
  const entries = Object.entries(feed.fields).map(
    ([name, spec]) => [name, spec, traitCoercer(spec)] as const,
  );
  return (row) => {
    const problems: RowProblem[] = [];
    const values: Record<string, unknown> = {};
    for (const [name, spec, coerce] of entries) values[name] = field(row, spec, coerce, problems);
    const parentKey = keyText(values[feed.parentKey]);
    if (parentKey === null && !problems.some((p) => p.field === fieldColumn(feed, feed.parentKey))) {
      problems.push({
        field: fieldColumn(feed, feed.parentKey),
        reason: 'empty parent key',
        code: 'MSV_INPUT_MISSING_VALUE',
      });
    }
    const rowKey = feed.key === undefined ? null : keyText(values[feed.key]);
    if (
      feed.key !== undefined &&
      rowKey === null &&
      !problems.some((p) => p.field === fieldColumn(feed, feed.key))
    ) {
      problems.push({
        field: fieldColumn(feed, feed.key),
        reason: 'empty key',
        code: 'MSV_INPUT_MISSING_VALUE',
      });
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, values, parentKey: parentKey!, rowKey };
  };
}

function keyText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

function compareControl(
  control: ControlTotals | undefined,
  rows: number,
  amount: bigint | null,
): FeedLoadSummary['control'] {
  if (!control || (control.rows === null && control.amount === null)) return { status: 'none' };
  const problems: string[] = [];
  if (control.rows !== null && control.rows !== rows)
    problems.push(`rows: expected ${control.rows}, loaded ${rows}`);
  if (control.amount !== null) {
    if (amount === null)
      problems.push('amount: the control file has one but the feed names no control.amount field');
    else if (toScaled(control.amount) !== amount) {
      problems.push(`amount: expected ${control.amount}, loaded ${scaledText(amount)}`);
    }
  }
  return {
    status: problems.length > 0 ? 'mismatch' : 'ok',
    file: control.file,
    expectedRows: control.rows,
    expectedAmount: control.amount,
    detail: problems.length > 0 ? problems.join('; ') : 'rows and amount match',
  };
}

function unchangedSummary(
  options: LoadFeedOptions,
  current: NonNullable<Awaited<ReturnType<typeof currentFeedLoad>>>,
  ms: number,
): FeedLoadSummary {
  return {
    datasource: options.datasource.name,
    feed: options.feed,
    asOf: options.asOf,
    file: options.file,
    outcome: 'unchanged',
    loadId: current.id,
    records: current.rows + current.rejected,
    rows: current.rows,
    rejected: current.rejected,
    rejects: [],
    orphans: { count: current.orphans, sample: [] },
    amountSum: current.amountSum,
    control:
      current.controlStatus === 'none'
        ? { status: 'none' }
        : {
            status: current.controlStatus,
            file: `${options.file}.ctl`,
            expectedRows: current.expectedRows,
            expectedAmount: current.expectedAmount,
            detail: current.controlDetail ?? '',
          },
    seconds: ms / 1000,
  };
}
