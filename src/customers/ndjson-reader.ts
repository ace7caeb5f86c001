import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { cannotRead, openForReading } from './source-format.ts';
import type { ByteProgress, RowProblem, RowValues, SourceItem } from './source-row.ts';

/** A line longer than this is refused (and skipped without being held in memory). */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface NdjsonReader extends AsyncIterable<SourceItem> {
  readonly progress: ByteProgress;
  readonly complete: boolean;
  close(): void;
}

interface RawLine {
  line: number;
  bytes: Buffer | null; // null: longer than MAX_LINE_BYTES
}

/**
 * Streams an NDJSON file: one JSON object per line, blank lines skipped. Each line's bytes are
 * checked for valid UTF-8 before decoding; a line that is not a JSON object comes out "unreadable".
 */
export async function openNdjsonReader(file: string): Promise<NdjsonReader> {
  await (await openForReading(file)).close();
  const source = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  const progress: ByteProgress = { bytesRead: 0 };
  const close = () => source.destroy();
  async function* items(): AsyncGenerator<SourceItem> {
    let row = 0;
    try {
      for await (const { line, bytes } of splitLines(source, progress)) {
        const content = trimLine(bytes, line === 1);
        if (content?.every((b) => b === 0x20 || b === 0x09)) continue;
        row++;
        const parsed = content === null ? tooLong() : parseLine(content);
        if ('problem' in parsed) yield { kind: 'unreadable', line, row, problem: parsed.problem };
        else yield { kind: 'row', line, row, values: new JsonRowValues(parsed.object) };
      }
    } catch (err) {
      throw cannotRead(file, err);
    } finally {
      close();
    }
  }
  return { progress, complete: true, close, [Symbol.asyncIterator]: () => items() };
}

/** Splits a byte stream on LF without decoding it, keeping at most MAX_LINE_BYTES of a line. */
async function* splitLines(source: AsyncIterable<Buffer>, progress: ByteProgress): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let carried = 0;
  let overflow = false;
  let line = 0;
  for await (const chunk of source) {
    progress.bytesRead += chunk.length;
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

/** Drops the CR of a CRLF line ending and, on the first line, a UTF-8 byte-order mark. */
function trimLine(bytes: Buffer | null, firstLine: boolean): Buffer | null {
  if (bytes === null) return null;
  let b = bytes;
  if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
  if (firstLine && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  return b;
}

type ParsedLine = { object: Record<string, unknown> } | { problem: RowProblem };

function tooLong(): ParsedLine {
  return {
    problem: { field: '', reason: `line longer than ${MAX_LINE_BYTES} bytes`, code: 'MSV_INPUT_BAD_ROW' },
  };
}

function parseLine(bytes: Buffer): ParsedLine {
  if (!isUtf8(bytes))
    return { problem: { field: '', reason: 'invalid UTF-8', code: 'MSV_INPUT_BAD_ENCODING' } };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
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
