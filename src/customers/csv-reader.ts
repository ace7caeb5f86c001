import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { type CsvError, type Info, parse } from 'csv-parse';
import { MissiveError } from '../core/errors.ts';
import { LineIndex } from './line-index.ts';
import { cannotRead, detectDelimiter, openForReading, readFirstLine } from './source-format.ts';
import type { ByteProgress, RowProblem, RowValues, SourceItem } from './source-row.ts';

/** A record longer than this is a runaway quoted field: the rest of the file cannot be trusted. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface CsvReader extends AsyncIterable<SourceItem> {
  readonly columns: readonly string[];
  readonly delimiter: string;
  readonly progress: ByteProgress;
  /** False when the end of the file could not be read (an unclosed quote swallowed it). */
  readonly complete: boolean;
  /** Releases the file early (when the records are not read to the end). */
  close(): void;
}

interface ParsedRecord {
  record: Buffer[];
  info: Info;
}

/**
 * Streams a CSV file with a header row, record by record, with backpressure: csv-parse in Buffer
 * mode so each cell's bytes can be checked for valid UTF-8 before decoding. A record with the wrong
 * number of columns or invalid UTF-8 comes out as "unreadable" with its line; the rest go on.
 */
export async function openCsvReader(file: string, options: { delimiter?: string } = {}): Promise<CsvReader> {
  await (await openForReading(file)).close();
  const delimiter = options.delimiter ?? detectDelimiter(await readFirstLine(file));
  const stream = openStream(file, delimiter);
  const records = stream.parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>;
  const first = await records.next();
  if (first.done) {
    stream.close();
    throw new MissiveError('MSV_INPUT_BAD_FILE', 'the file is empty: no header row', { file });
  }
  stream.lines.nextContentLine();
  stream.lines.advanceTo(first.value.info.bytes);
  const columns = first.value.record.map((cell, i) => headerName(cell, i));
  const progress: ByteProgress = { bytesRead: 0 };
  const reader: CsvReader = {
    columns,
    delimiter,
    progress,
    complete: true,
    close: stream.close,
    [Symbol.asyncIterator]: () => items(),
  };
  const index = new Map<string, number>();
  for (const [i, c] of columns.entries()) if (!index.has(c)) index.set(c, i);

  async function* items(): AsyncGenerator<SourceItem> {
    let row = 0;
    try {
      for (let next = await records.next(); !next.done; next = await records.next()) {
        const { record, info } = next.value;
        const line = stream.lines.nextContentLine();
        const end = stream.lines.advanceTo(info.bytes);
        row++;
        progress.bytesRead = stream.bytesRead();
        const cells = decodeRecord(record, columns, line, end);
        if (Array.isArray(cells))
          yield { kind: 'row', line, row, values: new CsvRowValues(index, columns, cells) };
        else yield { kind: 'unreadable', line, row, problem: cells };
      }
      progress.bytesRead = stream.bytesRead();
      const skipped = stream.skipped[0];
      if (skipped) {
        (reader as { complete: boolean }).complete = false;
        const line = stream.lines.nextContentLine();
        const last = stream.lines.advanceTo(Number.POSITIVE_INFINITY);
        yield { kind: 'unreadable', line, row: row + 1, problem: skipProblem(skipped, line, last) };
      }
    } finally {
      stream.close();
    }
  }
  return reader;
}

interface CsvStream {
  parser: ReturnType<typeof parse>;
  lines: LineIndex;
  /** Records csv-parse could not parse: only ever an unclosed quote, which ends the reading. */
  skipped: CsvError[];
  bytesRead(): number;
  close(): void;
}

/** file → line index → csv-parse (Buffer cells, lenient quotes and column counts, 1 MiB record cap). */
function openStream(file: string, delimiter: string): CsvStream {
  const source = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  const lines = new LineIndex();
  const skipped: CsvError[] = [];
  let stopped = false;
  // A runaway quoted field: stop feeding, so the parser ends with what it has (bounded memory).
  const stop = () => {
    stopped = true;
    source.unpipe(lines);
    source.destroy();
    lines.end();
  };
  const parser = parse({
    delimiter,
    encoding: null,
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (err) => {
      if (!err) return;
      if (err.code === 'CSV_MAX_RECORD_SIZE' && !stopped) stop();
      if (skipped.length < 10) skipped.push(err);
    },
  });
  source.on('error', (err) => parser.destroy(cannotRead(file, err)));
  source.pipe(lines).pipe(parser);
  return {
    parser,
    lines,
    skipped,
    bytesRead: () => source.bytesRead,
    close: () => {
      source.destroy();
      lines.destroy();
      parser.destroy();
    },
  };
}

function headerName(cell: Buffer, i: number): string {
  const bytes = i === 0 && cell[0] === 0xef && cell[1] === 0xbb && cell[2] === 0xbf ? cell.subarray(3) : cell;
  return bytes.toString('utf8').trim();
}

/** The record's cells as text, or why it cannot be used: wrong column count, or invalid UTF-8 in a cell. */
function decodeRecord(
  record: Buffer[],
  columns: readonly string[],
  line: number,
  end: number,
): string[] | RowProblem {
  if (record.length !== columns.length) {
    const spans = end > line ? ` (the record spans lines ${line}–${end}: unbalanced quote?)` : '';
    return {
      field: '',
      reason: `expected ${columns.length} columns, found ${record.length}${spans}`,
      code: 'MSV_INPUT_COLUMN_COUNT',
    };
  }
  const cells = new Array<string>(record.length);
  for (let i = 0; i < record.length; i++) {
    const bytes = record[i]!;
    const text = bytes.toString('utf8');
    // Decoding turns invalid bytes into U+FFFD; a real U+FFFD in the file is valid, hence isUtf8.
    if (text.includes('\uFFFD') && !isUtf8(bytes)) {
      return { field: columns[i] ?? '', reason: 'invalid UTF-8', code: 'MSV_INPUT_BAD_ENCODING' };
    }
    cells[i] = text;
  }
  return cells;
}

function skipProblem(err: CsvError, line: number, last: number): RowProblem {
  const reason =
    err.code === 'CSV_MAX_RECORD_SIZE'
      ? `a record longer than ${MAX_RECORD_BYTES} bytes starts here (unclosed quote?): the rest of the file was not read`
      : err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? `unclosed quote: lines ${line}–${last} could not be read`
        : `cannot parse this record (${err.code})`;
  return { field: '', reason, code: 'MSV_INPUT_BAD_ROW' };
}

class CsvRowValues implements RowValues {
  constructor(
    private readonly index: Map<string, number>,
    private readonly columns: readonly string[],
    private readonly cells: string[],
  ) {}
  get(column: string): unknown {
    const i = this.index.get(column);
    return i === undefined ? undefined : this.cells[i];
  }
  keys(): readonly string[] {
    return this.columns;
  }
}
