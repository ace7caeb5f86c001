/**
 * A streaming CSV record scanner over UTF-8 bytes that recovers from broken records.
 *
 * Fields follow RFC 4180 with csv-parse's "relax quotes": a quote opens a quoted field only at the
 * start of a field ("" inside it is one quote); elsewhere it is an ordinary character, and a quoted
 * field closed by a quote that is not followed by a delimiter or line end keeps its raw text. A line
 * ends at LF, CRLF or a lone CR; empty lines are skipped; every record knows the lines it spans.
 *
 * Recovery, so one broken record never costs the good rows after it:
 * - A record that spans several lines and has the wrong number of fields (or a quoted field closed
 *   in the middle of a value) is an unbalanced quote when one of its later lines reads on its own as
 *   a clean record with the header's column count: the lines before that one are rejected
 *   ("broken", unbalanced-quote) and scanning starts again at that line.
 * - A record that grows past `maxRecordBytes` (a runaway field): the same test is made on the bytes
 *   held so far; failing it, the record is a genuinely huge one and is skipped, without holding its
 *   bytes, to its real end ("broken", too-long). Memory stays within maxRecordBytes plus one chunk.
 * - A quote still open at the end of the file, with no line to resume at: "broken", unclosed-quote
 *   (the scan is then not complete).
 */

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

export type ScanItem =
  | {
      kind: 'record';
      /** The line the record starts on (1-based) and the line it ends on. */
      line: number;
      endLine: number;
      cells: Buffer[];
    }
  | {
      kind: 'broken';
      line: number;
      endLine: number;
      problem: 'too-long' | 'unbalanced-quote' | 'unclosed-quote';
      /** unbalanced-quote: the line scanning started again at. */
      resumedAt?: number;
    };

interface Resync {
  offset: number;
  line: number;
}

const EMPTY = Buffer.alloc(0);

export class CsvScanner {
  /** The header's column count, once known: recovery looks for lines with this many fields. */
  expectedColumns: number | undefined;
  /** False when the file ended inside a quoted field that could not be recovered from. */
  complete = true;

  private readonly queue: Buffer[] = [];
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private state = FIELD_START;
  private atRecordStart = true;
  private skipping = false;
  private relaxed = false;
  private line = 1;
  private recordLine = 1;
  private prevCr = false;
  /** The last byte scanned: a file that ends inside a quote ends on the line before a final break. */
  private lastByte = -1;
  private out: ScanItem[] = [];

  constructor(
    private readonly delimiter: number,
    readonly maxRecordBytes: number,
  ) {}

  /** Scans a chunk; returns the records (and broken records) it completed. */
  push(chunk: Buffer): ScanItem[] {
    this.queue.push(chunk);
    this.drain();
    return this.take();
  }

  /** The end of the input: the last record, or what is wrong with it. */
  end(): ScanItem[] {
    this.drain();
    while (!this.finish()) this.drain();
    return this.take();
  }

  private take(): ScanItem[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private drain(): void {
    for (let chunk = this.queue.shift(); chunk !== undefined; chunk = this.queue.shift()) this.scan(chunk);
  }

  private scan(chunk: Buffer): void {
    const d = this.delimiter;
    let state = this.state;
    let line = this.line;
    let prevCr = this.prevCr;
    let atStart = this.atRecordStart;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (atStart) {
        if (b === CR || b === LF) {
          if (b === CR || !prevCr) line++;
          prevCr = b === CR;
          continue;
        }
        prevCr = false;
        atStart = false;
        this.relaxed = false;
        this.recordLine = line;
        state = FIELD_START;
        start = i;
      }
      if (state === QUOTED) {
        if (b === QUOTE) state = QUOTE_IN_QUOTED;
        else if (b === CR || (b === LF && !prevCr)) line++;
        prevCr = b === CR;
        continue;
      }
      if (state === FIELD_START && b === QUOTE) {
        state = QUOTED;
        continue;
      }
      if (state === QUOTE_IN_QUOTED && b !== d && b !== CR && b !== LF) {
        if (b === QUOTE) state = QUOTED;
        else {
          this.relaxed = true;
          state = UNQUOTED;
        }
        continue;
      }
      if (b === d) state = FIELD_START;
      else if (b === CR || b === LF) {
        this.atRecordStart = false;
        this.state = state;
        this.line = line;
        this.prevCr = prevCr;
        if (!this.endRecord(chunk, start, i)) return;
        atStart = true;
        i--; // the line break is read again, as the gap before the next record
      } else state = UNQUOTED;
    }
    this.state = state;
    this.line = line;
    this.prevCr = prevCr;
    this.atRecordStart = atStart;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1]!;
    if (atStart || this.skipping) return;
    const rest = chunk.subarray(start);
    if (this.partsBytes + rest.length > this.maxRecordBytes) this.overflow(rest);
    else {
      this.parts.push(rest);
      this.partsBytes += rest.length;
    }
  }

  /** The record ended at chunk[end] (a line break). False when scanning restarted elsewhere. */
  private endRecord(chunk: Buffer, start: number, end: number): boolean {
    this.atRecordStart = true;
    if (this.skipping) {
      this.skipping = false;
      this.broken('too-long', this.line);
      return true;
    }
    const bytes = this.held(chunk.subarray(start, end));
    return this.completeRecord(bytes, chunk.subarray(end));
  }

  /** The bytes held for the current record, plus `tail`; the hold is emptied. */
  private held(tail: Buffer): Buffer {
    const bytes = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.partsBytes = 0;
    return bytes;
  }

  private completeRecord(bytes: Buffer, rest: Buffer): boolean {
    const split = splitRecord(bytes, this.delimiter);
    const broken =
      bytes.length > this.maxRecordBytes ||
      (this.expectedColumns !== undefined &&
        this.line > this.recordLine &&
        (split.cells.length !== this.expectedColumns || this.relaxed));
    if (broken) {
      const at = this.findResync(bytes, true);
      if (at) {
        this.restart(at, bytes, rest);
        return false;
      }
      if (bytes.length > this.maxRecordBytes) {
        this.broken('too-long', this.line);
        return true;
      }
    }
    this.out.push({ kind: 'record', line: this.recordLine, endLine: this.line, cells: split.cells });
    return true;
  }

  /** The record outgrew the cap: resume at a clean later line, or skip the record to its end. */
  private overflow(rest: Buffer): void {
    const bytes = this.held(rest);
    const at = this.findResync(bytes, false);
    if (at) {
      this.restart(at, bytes, EMPTY);
      return;
    }
    this.skipping = true;
  }

  /** End of input; false when scanning restarted (call again after draining). */
  private finish(): boolean {
    if (this.atRecordStart) return true;
    this.atRecordStart = true;
    const lastLine = this.lastByte === CR || this.lastByte === LF ? this.line - 1 : this.line;
    if (this.skipping) {
      this.skipping = false;
      if (this.state === QUOTED) {
        this.complete = false;
        this.broken('unclosed-quote', lastLine);
      } else this.broken('too-long', lastLine);
      return true;
    }
    const bytes = this.held(EMPTY);
    if (this.state !== QUOTED) return this.completeRecord(bytes, EMPTY);
    const at = this.findResync(bytes, true);
    if (at) {
      this.restart(at, bytes, EMPTY);
      return false;
    }
    this.complete = false;
    this.broken('unclosed-quote', lastLine);
    return true;
  }

  private broken(problem: 'too-long' | 'unclosed-quote', endLine: number): void {
    this.out.push({ kind: 'broken', line: this.recordLine, endLine, problem });
  }

  /** Rejects the lines before `at` as an unbalanced quote and scans again from `at`. */
  private restart(at: Resync, bytes: Buffer, rest: Buffer): void {
    this.out.push({
      kind: 'broken',
      line: this.recordLine,
      endLine: at.line - 1,
      problem: 'unbalanced-quote',
      resumedAt: at.line,
    });
    this.atRecordStart = true;
    this.skipping = false;
    this.state = FIELD_START;
    this.line = at.line;
    this.prevCr = false;
    this.queue.unshift(bytes.subarray(at.offset), ...(rest.length > 0 ? [rest] : []));
  }

  /**
   * The first line after the record's first that reads on its own as a clean record (no quote out
   * of place, every quoted field closed on the line) with the header's column count. `endsAtLine`:
   * the bytes end at a line end (else their last line is incomplete and not a candidate).
   */
  private findResync(bytes: Buffer, endsAtLine: boolean): Resync | undefined {
    const expected = this.expectedColumns;
    if (expected === undefined) return undefined;
    let line = this.recordLine;
    let i = nextBreak(bytes, 0);
    while (i < bytes.length) {
      // skip the line break(s)
      while (i < bytes.length && (bytes[i] === CR || bytes[i] === LF)) {
        if (bytes[i] === CR || bytes[i - 1] !== CR) line++;
        i++;
      }
      if (i >= bytes.length) return undefined;
      const end = nextBreak(bytes, i);
      if (end === bytes.length && !endsAtLine) return undefined;
      const candidate = splitRecord(bytes.subarray(i, end), this.delimiter);
      if (candidate.clean && candidate.cells.length === expected) return { offset: i, line };
      i = end;
    }
    return undefined;
  }
}

function nextBreak(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === CR || b === LF) return i;
  }
  return bytes.length;
}

/**
 * Splits one complete record into its fields (quotes removed, "" unescaped). `clean`: no quote out
 * of place and no quoted field left open — what a recovery candidate must be.
 */
export function splitRecord(bytes: Buffer, delimiter: number): { cells: Buffer[]; clean: boolean } {
  const cells: Buffer[] = [];
  const n = bytes.length;
  if (bytes.indexOf(QUOTE) === -1) {
    let start = 0;
    for (let d = bytes.indexOf(delimiter); d !== -1; d = bytes.indexOf(delimiter, start)) {
      cells.push(bytes.subarray(start, d));
      start = d + 1;
    }
    cells.push(bytes.subarray(start));
    return { cells, clean: true };
  }
  let clean = true;
  let i = 0;
  for (;;) {
    let end: number;
    if (bytes[i] === QUOTE) {
      const quoted = readQuoted(bytes, i, delimiter);
      cells.push(quoted.cell);
      if (!quoted.clean) clean = false;
      end = quoted.end;
    } else {
      end = bytes.indexOf(delimiter, i);
      if (end === -1) end = n;
      const q = bytes.indexOf(QUOTE, i);
      if (q !== -1 && q < end) clean = false;
      cells.push(bytes.subarray(i, end));
    }
    if (end >= n) break;
    i = end + 1;
    if (i === n) {
      cells.push(EMPTY);
      break;
    }
  }
  return { cells, clean };
}

/** A quoted field starting at `start`: its value, where it ends (a delimiter or n), and if it was clean. */
function readQuoted(bytes: Buffer, start: number, delimiter: number) {
  const n = bytes.length;
  const pieces: Buffer[] = [];
  let from = start + 1;
  for (let q = bytes.indexOf(QUOTE, from); q !== -1; q = bytes.indexOf(QUOTE, from)) {
    if (bytes[q + 1] === QUOTE) {
      pieces.push(bytes.subarray(from, q + 1));
      from = q + 2;
      continue;
    }
    if (q + 1 === n || bytes[q + 1] === delimiter) {
      pieces.push(bytes.subarray(from, q));
      const cell = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
      return { cell, end: q + 1, clean: true };
    }
    // Closed in the middle of a value: keep the raw text up to the next delimiter.
    let end = bytes.indexOf(delimiter, q + 1);
    if (end === -1) end = n;
    return { cell: bytes.subarray(start, end), end, clean: false };
  }
  return { cell: bytes.subarray(start), end: n, clean: false };
}
