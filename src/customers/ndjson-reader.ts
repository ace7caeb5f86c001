import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { MissiveError } from '../core/errors.ts';
import { cannotRead } from './source-format.ts';
import type { ByteProgress, RowProblem, RowValues, SourceItem } from './source-row.ts';
import { invalidTextReason, sniffEncoding, UTF8, Utf8Transcoder } from './text-encoding.ts';

/** A line longer than this is refused (and skipped without being held in memory). */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface NdjsonReader extends AsyncIterable<SourceItem> {
  /** The file's encoding as read: "utf-8", "utf-16le", "gb18030"… */
  readonly encoding: string;
  readonly progress: ByteProgress;
  readonly complete: boolean;
  close(): void;
}

interface RawLine {
  line: number;
  bytes: Buffer | null; // null: longer than MAX_LINE_BYTES
}

/**
 * Streams an NDJSON file: one JSON object per line, blank lines skipped. In a UTF-8 file each line's
 * bytes are checked for valid UTF-8 before decoding; other encodings (`options.encoding`, or a
 * byte-order mark) are decoded to UTF-8 as the file streams in. A line that is not a JSON object, or
 * has bytes invalid in the encoding, comes out "unreadable". Throws MSV_INPUT_WRONG_ENCODING when
 * the file is plainly not in the encoding it was given.
 */
export async function openNdjsonReader(
  file: string,
  options: { encoding?: string } = {},
): Promise<NdjsonReader> {
  const { encoding, bomBytes } = await sniffEncoding(file, options.encoding);
  const source = fs.createReadStream(file, { start: bomBytes, highWaterMark: 256 * 1024 });
  const stream: Readable = encoding === UTF8 ? source : source.pipe(new Utf8Transcoder(encoding));
  source.on('error', (err) => stream.destroy(cannotRead(file, err)));
  const progress: ByteProgress = { bytesRead: bomBytes };
  const close = () => {
    source.destroy();
    stream.destroy();
  };
  const parse = encoding === UTF8 ? parseLine : (bytes: Buffer) => parseDecodedLine(bytes, encoding);
  async function* items(): AsyncGenerator<SourceItem> {
    let row = 0;
    try {
      for await (const { line, bytes } of splitLines(stream)) {
        progress.bytesRead = bomBytes + source.bytesRead;
        const content = trimLine(bytes);
        if (content?.every((b) => b === 0x20 || b === 0x09)) continue;
        row++;
        const parsed = content === null ? tooLong() : parse(content);
        if ('problem' in parsed) yield { kind: 'unreadable', line, row, problem: parsed.problem };
        else yield { kind: 'row', line, row, values: new JsonRowValues(parsed.object) };
      }
      progress.bytesRead = bomBytes + source.bytesRead;
    } catch (err) {
      throw err instanceof MissiveError ? err : cannotRead(file, err);
    } finally {
      close();
    }
  }
  return { encoding, progress, complete: true, close, [Symbol.asyncIterator]: () => items() };
}

/** Splits a byte stream on LF without decoding it, keeping at most MAX_LINE_BYTES of a line. */
async function* splitLines(source: AsyncIterable<Buffer>): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let carried = 0;
  let overflow = false;
  let line = 0;
  for await (const chunk of source) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      line++;
      const tooLong = overflow || carried + piece.length > MAX_LINE_BYTES;
      yield { line, bytes: tooLong ? null : carried > 0 ? Buffer.concat([...carry, piece]) : piece };
      carry = [];
      carried = 0;
      overflow = false;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (!overflow && rest.length > 0) {
      if (carried + rest.length > MAX_LINE_BYTES) {
        overflow = true;
        carry = [];
        carried = 0;
      } else {
        carry.push(rest);
        carried += rest.length;
      }
    }
  }
  if (overflow || carried > 0) yield { line: line + 1, bytes: overflow ? null : Buffer.concat(carry) };
}

/** Drops the CR of a CRLF line ending (the reader starts after any byte-order mark). */
function trimLine(bytes: Buffer | null): Buffer | null {
  if (bytes === null) return null;
  return bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes;
}

type ParsedLine = { object: Record<string, unknown> } | { problem: RowProblem };

function tooLong(): ParsedLine {
  return {
    problem: { field: '', reason: `line longer than ${MAX_LINE_BYTES} bytes`, code: 'MSV_INPUT_BAD_ROW' },
  };
}

function parseLine(bytes: Buffer): ParsedLine {
  if (!isUtf8(bytes)) return badText(UTF8);
  return parseText(bytes.toString('utf8'));
}

/** A line decoded from another encoding: U+FFFD is where the decoder met bytes the encoding lacks. */
function parseDecodedLine(bytes: Buffer, encoding: string): ParsedLine {
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? badText(encoding) : parseText(text);
}

function badText(encoding: string): ParsedLine {
  return { problem: { field: '', reason: invalidTextReason(encoding), code: 'MSV_INPUT_BAD_ENCODING' } };
}

function parseText(text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: { field: '', reason: jsonReason(err), code: 'MSV_INPUT_BAD_ROW' } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: { field: '', reason: 'not a JSON object', code: 'MSV_INPUT_BAD_ROW' } };
  }
  return { object: value as Record<string, unknown> };
}

/** V8's message, unless it quotes the input (which may be personal data). */
function jsonReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!message.includes('"')) return `invalid JSON: ${message}`;
  const position = /position (\d+)/.exec(message);
  return position ? `invalid JSON at character ${Number(position[1]) + 1}` : 'invalid JSON';
}

class JsonRowValues implements RowValues {
  constructor(private readonly object: Record<string, unknown>) {}
  get(column: string): unknown {
    if (Object.hasOwn(this.object, column)) return this.object[column];
    if (!column.includes('.')) return undefined;
    let value: unknown = this.object;
    for (const key of column.split('.')) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }
  keys(): readonly string[] {
    return Object.keys(this.object);
  }
}
