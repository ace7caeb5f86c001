import type { ErrorCode } from '../core/errors.ts';

/** What a reader knows about one record of the source file. */
export interface SourceRow {
  /** Physical line in the file where the record starts (1-based; a CSV header is line 1). */
  line: number;
  /** Data row number: 1-based, header and blank lines excluded, rejected rows included. */
  row: number;
  values: RowValues;
}

/** The values of one record, by column name (CSV) or key / dotted path (NDJSON). */
export interface RowValues {
  get(column: string): unknown;
  /** The columns (CSV) or top-level keys (NDJSON) this record has. */
  keys(): readonly string[];
}

/** Why a record or a field could not be used. Reasons never repeat the value (it may be personal). */
export interface RowProblem {
  field: string;
  reason: string;
  code: ErrorCode;
}

/** A record the reader could not turn into values (bad UTF-8, bad JSON, wrong column count…). */
export interface UnreadableRow {
  line: number;
  row: number;
  problem: RowProblem;
}

export type SourceItem = ({ kind: 'row' } & SourceRow) | ({ kind: 'unreadable' } & UnreadableRow);

/** Progress of the byte stream underneath a reader. */
export interface ByteProgress {
  bytesRead: number;
}

/** A reader: an async stream of records, with how far it has read. */
export interface SourceReader extends AsyncIterable<SourceItem> {
  readonly progress: ByteProgress;
  /** False when the end of the file could not be read (e.g. an unclosed quote swallowed it). */
  readonly complete: boolean;
}
