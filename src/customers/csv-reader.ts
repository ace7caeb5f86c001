import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { MissiveError } from '../core/errors.ts';
import { CsvScanner, type ScanItem } from './csv-scanner.ts';
import { cannotRead, detectDelimiter } from './source-format.ts';
import type { ByteProgress, RowProblem, RowValues, SourceItem } from './source-row.ts';
import { invalidTextReason, sniffEncoding, UTF8, Utf8Transcoder } from './text-encoding.ts';

/**
 * A record longer than this is a runaway field: it is rejected and reading goes on at the next
 * record boundary (see csv-scanner.ts), so memory stays bounded whatever the file holds.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface CsvReader extends AsyncIterable<SourceItem> {
  readonly columns: readonly string[];
  readonly delimiter: string;
  /** The file's encoding as read: "utf-8", "utf-16le", "gb18030"… */
  readonly encoding: string;
  readonly progress: ByteProgress;
  /** False when the end of the file could not be read (an unclosed quote swallowed it). */
  readonly complete: boolean;
  /** Releases the file early (when the records are not read to the end). */
  close(): void;
}

export interface CsvReaderOptions {
  /** , ; TAB or |; default: detected from the header line. */
  delimiter?: string;
  /**
   * The file's encoding (utf-8, utf-16le, utf-16be, gb18030, gbk, big5, windows-1252… anything
   * iconv-lite knows); default UTF-8. A byte-order mark overrides it.
   */
  encoding?: string;
}

/**
 * Streams a CSV file with a header row, record by record, with backpressure. UTF-8 files are
 * scanned as bytes and each record is checked for valid UTF-8; other encodings are decoded to UTF-8
 * as they stream in. A record with the wrong number of columns, bytes invalid in the encoding, an
 * unbalanced quote or a runaway length comes out as "unreadable" with its line; the rest go on.
 * Throws MSV_INPUT_WRONG_ENCODING when the file is plainly not in the encoding it was given.
 */
export async function openCsvReader(file: string, options: CsvReaderOptions = {}): Promise<CsvReader> {
  const { encoding, bomBytes, firstLine } = await sniffEncoding(file, options.encoding);
  const delimiter = options.delimiter ?? detectDelimiter(firstLine);
  const source = fs.createReadStream(file, { start: bomBytes, highWaterMark: 256 * 1024 });
  const stream: Readable = encoding === UTF8 ? source : source.pipe(new Utf8Transcoder(encoding));
  source.on('error', (err) => stream.destroy(cannotRead(file, err)));
  const close = () => {
    source.destroy();
    stream.destroy();
  };
  const scanner = new CsvScanner(delimiter.charCodeAt(0), MAX_RECORD_BYTES);
  const scanned = scanItems(stream, scanner, file);
  const first = await scanned.next();
  if (first.done || first.value.kind !== 'record') {
    close();
    throw new MissiveError(
      'MSV_INPUT_BAD_FILE',
      first.done ? 'the file is empty: no header row' : 'the header row cannot be read (unclosed quote?)',
      { file, line: 1 },
    );
  }
  const columns = first.value.cells.map((cell) => cell.toString('utf8').trim());
  scanner.expectedColumns = columns.length;
  const progress: ByteProgress = { bytesRead: 0 };
  const reader: CsvReader = {
    columns,
    delimiter,
    encoding,
    progress,
    get complete() {
      return scanner.complete;
    },
    close,
    [Symbol.asyncIterator]: () => items(),
  };
  const index = new Map<string, number>();
  for (const [i, c] of columns.entries()) if (!index.has(c)) index.set(c, i);
  const badText = invalidTextReason(encoding);

  async function* items(): AsyncGenerator<SourceItem> {
    let row = 0;
    try {
      for await (const item of scanned) {
        row++;
        progress.bytesRead = bomBytes + source.bytesRead;
        const { line } = item;
        const cells =
          item.kind === 'record' ? decodeRecord(item, columns, encoding, badText) : brokenProblem(item);
        if (Array.isArray(cells))
          yield { kind: 'row', line, row, values: new CsvRowValues(index, columns, cells) };
        else yield { kind: 'unreadable', line, row, problem: cells };
      }
      progress.bytesRead = bomBytes + source.bytesRead;
    } finally {
      close();
    }
  }
  return reader;
}

async function* scanItems(stream: Readable, scanner: CsvScanner, file: string): AsyncGenerator<ScanItem> {
  try {
    for await (const chunk of stream) yield* scanner.push(chunk as Buffer);
  } catch (err) {
    throw err instanceof MissiveError ? err : cannotRead(file, err);
  }
  yield* scanner.end();
}

/** The record's cells as text, or why it cannot be used: wrong column count, or bytes invalid in the encoding. */
function decodeRecord(
  record: Extract<ScanItem, { kind: 'record' }>,
  columns: readonly string[],
  encoding: string,
  badText: string,
): string[] | RowProblem {
  const { cells: raw, line, endLine } = record;
  if (raw.length !== columns.length) {
    const spans = endLine > line ? ` (the record spans lines ${line}–${endLine}: unbalanced quote?)` : '';
    return {
      field: '',
      reason: `expected ${columns.length} columns, found ${raw.length}${spans}`,
      code: 'MSV_INPUT_COLUMN_COUNT',
    };
  }
  const cells = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const bytes = raw[i]!;
    const text = bytes.toString('utf8');
    // Decoding turns invalid bytes into U+FFFD. In a UTF-8 file a real U+FFFD is valid, hence isUtf8;
    // in a decoded file U+FFFD is what the decoder put for bytes the encoding does not have.
    if (text.includes('\uFFFD') && (encoding !== UTF8 || !isUtf8(bytes))) {
      return { field: columns[i] ?? '', reason: badText, code: 'MSV_INPUT_BAD_ENCODING' };
    }
    cells[i] = text;
  }
  return cells;
}

function brokenProblem(item: Extract<ScanItem, { kind: 'broken' }>): RowProblem {
  const lines = item.endLine > item.line ? `lines ${item.line}–${item.endLine}` : `line ${item.line}`;
  switch (item.problem) {
    case 'too-long':
      return {
        field: '',
        reason: `record longer than ${MAX_RECORD_BYTES} bytes (${lines}): skipped, reading went on after it`,
        code: 'MSV_INPUT_RECORD_TOO_LONG',
      };
    case 'unbalanced-quote':
      return {
        field: '',
        reason: `unbalanced quote: a quoted field is not closed where the record ends (${lines} rejected, reading went on at line ${item.resumedAt})`,
        code: 'MSV_INPUT_UNBALANCED_QUOTE',
      };
    case 'unclosed-quote':
      return {
        field: '',
        reason: `unclosed quote: ${lines} could not be read`,
        code: 'MSV_INPUT_UNBALANCED_QUOTE',
      };
  }
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
