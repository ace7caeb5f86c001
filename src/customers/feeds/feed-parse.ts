import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorDetails, isErrorCode, isMissiveError, MissiveError } from '../../core/errors.ts';
import type { FeedRowInsert } from '../../store/index.ts';
import { openCsvReader } from '../csv-reader.ts';
import { openNdjsonReader } from '../ndjson-reader.ts';
import { field, traitCoercer } from '../row-mapper.ts';
import { detectDelimiter } from '../source-format.ts';
import type { RowProblem, SourceItem, SourceRow } from '../source-row.ts';
import { sniffEncoding, UTF8 } from '../text-encoding.ts';
import { DEFAULT_TEXT_LIMITS } from '../text-rules.ts';
import { ExactSum } from './control-totals.ts';
import type { FeedSpec } from './datasource.ts';
import { NotFastPath, openFastCsv } from './fast-csv.ts';
import { openPlainCsv } from './plain-csv.ts';

/**
 * Parsing one extract into feed rows: records mapped by the feed's typed fields, keys checked, the
 * control amount summed exactly, in batches for the loader to insert. Runs in a worker thread
 * (parse-thread.ts) so parsing and inserting overlap on two cores.
 */
export interface ParseRequest {
  file: string;
  feed: FeedSpec;
  /** The feed's keys are stored and must be unique (another feed joins on them). */
  keyed: boolean;
}

export interface RejectedRecord {
  line: number;
  row: number;
  problems: RowProblem[];
}

export interface ParsedBatch {
  /** The fast path gave up: forget every batch so far, the careful reader starts again. */
  restart?: true;
  rows: FeedRowInsert[];
  rejects: RejectedRecord[];
  /** Records read in this batch (rows + rejects). */
  records: number;
  bytesRead: number;
}

export interface ParseDone {
  /** The sum of the control amount field, scaled by 10⁻⁸, as decimal text (a bigint's). */
  amountScaled: string;
}

const BATCH_ROWS = 5_000;

/** Parses the file, handing out batches (awaited: the consumer sets the pace). */
export async function parseFeedFile(
  request: ParseRequest,
  emit: (batch: ParsedBatch) => Promise<void>,
): Promise<ParseDone> {
  const { file, feed } = request;
  const fast = feed.format === 'csv' && (feed.encoding === undefined || /^utf-?8$/i.test(feed.encoding));
  if (fast) {
    try {
      const sniffed = await sniffEncoding(file, feed.encoding);
      if (sniffed.encoding !== UTF8) throw new NotFastPath(sniffed.encoding);
      const delimiter = feed.delimiter ?? detectDelimiter(sniffed.firstLine);
      const csv = (await openPlainCsv(file, delimiter)) ?? (await openFastCsv(file, delimiter));
      checkColumns(file, feed, csv.columns, csv.close);
      return await parseItems(request, csv.batches(), () => csv.progress.bytesRead, emit);
    } catch (err) {
      if (!(err instanceof NotFastPath)) throw err;
      await emit({ restart: true, rows: [], rejects: [], records: 0, bytesRead: 0 });
    }
  }
  const reader = await openCarefully(file, feed);
  return parseItems(request, singles(reader), () => reader.progress.bytesRead, emit);
}

async function* singles(reader: AsyncIterable<SourceItem>): AsyncGenerator<SourceItem[]> {
  let batch: SourceItem[] = [];
  for await (const item of reader) {
    batch.push(item);
    if (batch.length >= 1_000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function parseItems(
  request: ParseRequest,
  items: AsyncIterable<SourceItem[]>,
  bytesRead: () => number,
  emit: (batch: ParsedBatch) => Promise<void>,
): Promise<ParseDone> {
  const { feed, keyed } = request;
  const mapRow = compileFeedRow(feed);
  const amountField = feed.control?.amount;
  const seenKeys = keyed ? new Map<string, number>() : undefined;
  const sum = new ExactSum();
  let batch: ParsedBatch = { rows: [], rejects: [], records: 0, bytesRead: 0 };
  for await (const group of items) {
    for (const item of group) {
      batch.records += 1;
      if (item.kind === 'unreadable') {
        batch.rejects.push({ line: item.line, row: item.row, problems: [item.problem] });
        continue;
      }
      const mapped = mapRow(item);
      if (!mapped.ok) {
        batch.rejects.push({ line: item.line, row: item.row, problems: mapped.problems });
        continue;
      }
      const { values, parentKey, rowKey } = mapped;
      if (seenKeys && rowKey !== null) {
        const first = seenKeys.get(rowKey);
        if (first !== undefined) {
          const reason = `duplicate key (first on line ${first})`;
          const problem: RowProblem = {
            field: fieldColumn(feed, feed.key),
            reason,
            code: 'MSV_FEED_DUPLICATE_KEY',
          };
          batch.rejects.push({ line: item.line, row: item.row, problems: [problem] });
          continue;
        }
        seenKeys.set(rowKey, item.line);
      }
      if (amountField !== undefined) {
        const amount = values[amountField];
        if (typeof amount === 'number') sum.add(amount);
      }
      batch.rows.push({
        parentKey,
        rowKey: seenKeys ? rowKey : null,
        line: item.line,
        data: JSON.stringify(values),
      });
    }
    if (batch.rows.length + batch.rejects.length >= BATCH_ROWS) {
      batch.bytesRead = bytesRead();
      await emit(batch);
      batch = { rows: [], rejects: [], records: 0, bytesRead: 0 };
    }
  }
  batch.bytesRead = bytesRead();
  await emit(batch);
  return { amountScaled: sum.scaled.toString() };
}

interface CarefulReader extends AsyncIterable<SourceItem> {
  readonly progress: { bytesRead: number };
  close(): void;
}

/** The customer import's readers: encodings, and recovery from broken records. */
async function openCarefully(file: string, feed: FeedSpec): Promise<CarefulReader> {
  const encoding = feed.encoding === undefined ? {} : { encoding: feed.encoding };
  if (feed.format === 'ndjson') return openNdjsonReader(file, encoding);
  const reader = await openCsvReader(file, {
    ...(feed.delimiter ? { delimiter: feed.delimiter } : {}),
    ...encoding,
  });
  checkColumns(file, feed, reader.columns, () => reader.close());
  return reader;
}

/** Every column a feed field reads must be in the header. */
function checkColumns(file: string, feed: FeedSpec, columns: readonly string[], close: () => void): void {
  for (const [name, spec] of Object.entries(feed.fields)) {
    const from = 'from' in spec ? (spec.from as string) : undefined;
    if (from === undefined || columns.includes(from)) continue;
    close();
    throw new MissiveError(
      'MSV_INPUT_BAD_MAPPING',
      `feed field ${name} reads column "${from}", which is not in the header [${columns.join(', ')}]`,
      { file, line: 1, field: from },
    );
  }
}

function fieldColumn(feed: FeedSpec, name: string | undefined): string {
  if (name === undefined) return '';
  const spec = feed.fields[name];
  return spec && 'from' in spec ? (spec.from as string) : name;
}

type FeedRowResult =
  | { ok: true; values: Record<string, unknown>; parentKey: string; rowKey: string | null }
  | { ok: false; problems: RowProblem[] };

/** Maps a source record to the feed's typed fields; the parent key (and own key) must not be empty. */
export function compileFeedRow(feed: FeedSpec): (row: SourceRow) => FeedRowResult {
  const entries = Object.entries(feed.fields).map(
    ([name, spec]) =>
      [
        name,
        spec,
        spec.type === 'date' ? memoised(traitCoercer(spec)) : traitCoercer(spec, DEFAULT_TEXT_LIMITS),
      ] as const,
  );
  const parentColumn = fieldColumn(feed, feed.parentKey);
  const keyColumn = fieldColumn(feed, feed.key);
  return (row) => {
    const problems: RowProblem[] = [];
    const values: Record<string, unknown> = {};
    for (const [name, spec, coerce] of entries) values[name] = field(row, spec, coerce, problems);
    const parentKey = keyText(values[feed.parentKey]);
    if (parentKey === null && !problems.some((p) => p.field === parentColumn)) {
      problems.push({ field: parentColumn, reason: 'empty parent key', code: 'MSV_INPUT_MISSING_VALUE' });
    }
    const rowKey = feed.key === undefined ? null : keyText(values[feed.key]);
    if (feed.key !== undefined && rowKey === null && !problems.some((p) => p.field === keyColumn)) {
      problems.push({ field: keyColumn, reason: 'empty key', code: 'MSV_INPUT_MISSING_VALUE' });
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, values, parentKey: parentKey!, rowKey };
  };
}

/** Dates repeat (a month has 31 days): their check is remembered, for up to 10,000 distinct texts. */
function memoised<T>(coerce: (v: unknown) => T): (v: unknown) => T {
  const seen = new Map<unknown, T>();
  return (v) => {
    let result = seen.get(v);
    if (result === undefined) {
      result = coerce(v);
      if (seen.size < 10_000) seen.set(v, result);
    }
    return result;
  };
}

function keyText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

const THREAD = fileURLToPath(new URL('./parse-thread.mjs', import.meta.url));

/** Messages of parse-thread.ts. */
export type ThreadMessage =
  | { kind: 'batch'; batch: ParsedBatch }
  | { kind: 'done'; done: ParseDone }
  | { kind: 'error'; code?: string; message: string; details?: Record<string, unknown> };

/**
 * parseFeedFile in a worker thread: batches come back here to be consumed (inserted) while the
 * thread parses the next ones — at most two batches ahead, so memory stays flat.
 */
export function parseFeedInThread(
  request: ParseRequest,
  consume: (batch: ParsedBatch) => Promise<void>,
): Promise<ParseDone> {
  return new Promise<ParseDone>((resolve, reject) => {
    const worker = new Worker(THREAD, { workerData: request });
    let settled = false;
    let queue = Promise.resolve();
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: ThreadMessage) => {
      queue = queue.then(async () => {
        if (settled) return;
        if (message.kind === 'batch') {
          await consume(message.batch);
          worker.postMessage('ack');
        } else if (message.kind === 'done') {
          finish(() => resolve(message.done));
        } else {
          // A MissiveError keeps its code; anything else the thread met reading the file is the file's.
          const error =
            message.code && isErrorCode(message.code)
              ? new MissiveError(message.code, message.message, (message.details ?? {}) as ErrorDetails)
              : new MissiveError('MSV_INPUT_BAD_FILE', message.message, { file: request.file });
          finish(() => reject(error));
        }
      });
      queue.catch((err: unknown) => finish(() => reject(err)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) =>
      finish(() =>
        reject(
          new MissiveError('MSV_INPUT_BAD_FILE', `the feed parser thread stopped (exit ${code})`, {
            file: request.file,
          }),
        ),
      ),
    );
  });
}

/** An error as the thread sends it (MissiveErrors keep their code and details). */
export function errorMessage(err: unknown): ThreadMessage {
  if (isMissiveError(err))
    return { kind: 'error', code: err.code, message: err.message, details: err.details };
  return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
}
