import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { MissiveError } from '../../core/errors.ts';
import {
  abandonFeedLoad,
  clearFeedLoadRows,
  completeFeedLoad,
  currentFeedLoad,
  type Database,
  findFeedOrphans,
  insertFeedRows,
  inTransaction,
  type Orphans,
  staleFeedLoads,
  startFeedLoad,
} from '../../store/index.ts';
import type { ImportReject } from '../reject-report.ts';
import { cannotRead } from '../source-format.ts';
import { type ControlTotals, readControlTotals, scaledText, toScaled } from './control-totals.ts';
import { CUSTOMER_PARENT, type DataSource, type FeedSpec } from './datasource.ts';
import { parseFeedInThread } from './feed-parse.ts';

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

/** Rows insert on this thread while the file is parsed on another (feed-parse.ts): the two overlap. */
async function readInto(
  options: LoadFeedOptions,
  feed: FeedSpec,
  loadId: number,
  keyed: boolean,
): Promise<Loaded> {
  const { db, file } = options;
  const totalBytes = (await fs.stat(file)).size;
  const max = options.maxInSummary ?? 100;
  const out: Loaded = { records: 0, rows: 0, rejected: 0, rejects: [], amount: 0n };
  const done = await parseFeedInThread({ file, feed, keyed }, async (batch) => {
    if (batch.restart) {
      // The fast path gave up (a broken record): what it wrote goes, the careful reader starts over.
      await clearFeedLoadRows(db, loadId);
      Object.assign(out, { records: 0, rows: 0, rejected: 0, rejects: [] });
      return;
    }
    if (batch.rows.length > 0) await inTransaction(db, (trx) => insertFeedRows(trx, loadId, batch.rows));
    out.records += batch.records;
    out.rows += batch.rows.length;
    for (const rejected of batch.rejects) {
      out.rejected += 1;
      for (const problem of rejected.problems) {
        const r: ImportReject = { line: rejected.line, row: rejected.row, ...problem, customerId: null };
        if (out.rejects.length < max) out.rejects.push(r);
        await options.onReject?.(r);
      }
    }
    options.onProgress?.({
      rows: out.records,
      rejected: out.rejected,
      bytesRead: batch.bytesRead,
      totalBytes,
    });
  });
  out.amount = BigInt(done.amountScaled);
  options.onProgress?.({ rows: out.records, rejected: out.rejected, bytesRead: totalBytes, totalBytes });
  return out;
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
