import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { MissiveError } from '../core/errors.ts';
import { openForReading } from './source-format.ts';

/**
 * The character encoding of a customer file or feed. UTF-8 is read as bytes (each record checked
 * for valid UTF-8); any other encoding iconv-lite knows (UTF-16LE/BE, GB18030, GBK, Big5,
 * Windows-1252…) is decoded to UTF-8 bytes as the file streams in, so the readers and their line
 * numbers work the same for every encoding (a line break is one character in all of them).
 *
 * A byte-order mark decides on its own (UTF-8, UTF-16LE, UTF-16BE, GB18030), whatever was declared:
 * none of those byte sequences can start a text in another encoding. Without one, the declared
 * encoding is used, else UTF-8; the first MiB is checked against it, and a file that is plainly in
 * another encoding is refused once, naming the encoding it looks like, instead of row after row.
 */

export const UTF8 = 'utf-8';

/** How much of the file is read to choose and check the encoding (and find the header line). */
export const SNIFF_BYTES = 1024 * 1024;

const BOMS: readonly { encoding: string; bytes: readonly number[] }[] = [
  { encoding: UTF8, bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'gb18030', bytes: [0x84, 0x31, 0x95, 0x33] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

/** An encoding name as iconv-lite knows it, lower-cased ("UTF8" → "utf-8"); undefined when unknown. */
export function normaliseEncoding(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  if (key === 'utf8' || key === 'utf-8') return UTF8;
  if (key === 'utf16le' || key === 'utf-16le') return 'utf-16le';
  if (key === 'utf16be' || key === 'utf-16be') return 'utf-16be';
  return key !== '' && iconv.encodingExists(key) ? key : undefined;
}

/** normaliseEncoding, or a MissiveError naming the file. */
export function requireEncoding(name: string, file: string): string {
  const encoding = normaliseEncoding(name);
  if (encoding) return encoding;
  throw new MissiveError(
    'MSV_INPUT_BAD_FILE',
    `unknown encoding ${JSON.stringify(name)} (e.g. utf-8, utf-16le, utf-16be, gb18030, gbk, big5, windows-1252)`,
    { file },
  );
}

export interface FileEncoding {
  /** Normalised encoding name: "utf-8", "utf-16le", "gb18030"… */
  encoding: string;
  /** Length of the byte-order mark at the start of the file (0 without one); reading starts after it. */
  bomBytes: number;
  /** The first line, decoded (for delimiter detection). */
  firstLine: string;
}

/**
 * Chooses the file's encoding (BOM, else declared, else UTF-8) and checks its first MiB against it.
 * Throws MSV_INPUT_WRONG_ENCODING when the file is plainly in another encoding, naming the line and
 * the encoding it looks like.
 */
export async function sniffEncoding(file: string, declared?: string): Promise<FileEncoding> {
  const wanted = declared === undefined ? undefined : requireEncoding(declared, file);
  const handle = await openForReading(file);
  let head: Buffer;
  let whole: boolean;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
    whole = bytesRead < buffer.length;
  } finally {
    await handle.close();
  }
  const bom = BOMS.find((b) => b.bytes.every((byte, i) => head[i] === byte));
  const encoding = bom?.encoding ?? wanted ?? UTF8;
  const bomBytes = bom?.bytes.length ?? 0;
  const body = head.subarray(bomBytes);
  if (!bom) checkSample(file, whole ? body : completeLines(body), encoding, declared !== undefined);
  const text = encoding === UTF8 ? body.toString('utf8') : iconv.decode(body, encoding, { stripBOM: false });
  const end = text.search(/\r|\n/);
  return { encoding, bomBytes, firstLine: end === -1 ? text : text.slice(0, end) };
}

/** The sample up to its last line break (so a character cut at the end of the window is not a fault). */
function completeLines(sample: Buffer): Buffer {
  const lf = sample.lastIndexOf(0x0a);
  return lf === -1 ? sample : sample.subarray(0, lf + 1);
}

function checkSample(file: string, sample: Buffer, encoding: string, declared: boolean): void {
  const utf16 = encoding.startsWith('utf-16') || encoding.startsWith('utf16');
  if (!utf16) {
    const zeros = looksLikeUtf16(sample);
    if (zeros) throw wrongEncoding(file, 1, encoding, zeros, 'without a byte-order mark');
  }
  if (encoding === UTF8) {
    if (isUtf8(sample)) return;
    const verdict = utf8Verdict(sample);
    if (verdict) throw wrongEncoding(file, verdict.line, encoding, verdict.guess);
    return;
  }
  // Declared as something else but reads as UTF-8 with non-ASCII text: decoding it would garble it.
  if (declared && !utf16 && !isAscii(sample) && isUtf8(sample)) {
    throw new MissiveError(
      'MSV_INPUT_WRONG_ENCODING',
      `the file was declared ${encoding} but its text is UTF-8 — import it with --encoding utf-8 (or no encoding)`,
      { file, line: lineOf(sample, firstNonAscii(sample)) },
    );
  }
}

function wrongEncoding(file: string, line: number, encoding: string, guess: Guess, note = ''): MissiveError {
  const name = encoding === UTF8 ? 'UTF-8' : encoding;
  const looks = `${GUESS_NAMES[guess]}${note ? ` ${note}` : ''}`;
  return new MissiveError(
    'MSV_INPUT_WRONG_ENCODING',
    `line ${line}: not valid ${name}; the file looks like ${looks} — import it with --encoding ${guess} (or "encoding": "${guess}" in the mapping)`,
    { file, line },
  );
}

export type Guess = 'gb18030' | 'big5' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const GUESS_NAMES: Record<Guess, string> = {
  gb18030: 'GB18030/GBK',
  big5: 'Big5',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1252': 'a single-byte encoding such as Windows-1252/Latin-1',
};

/**
 * Whether a sample that is not valid UTF-8 is in another encoding altogether (rather than UTF-8 with
 * a damaged row or two): its lines that are not valid UTF-8 are at least as many as its lines with
 * valid non-ASCII UTF-8. One Latin-1 "é" in an otherwise ASCII file says the file is Latin-1.
 */
function utf8Verdict(sample: Buffer): { line: number; guess: Guess } | undefined {
  let invalid = 0;
  let valid = 0;
  let first = -1;
  const bad: Buffer[] = [];
  let badBytes = 0;
  for (let start = 0; start < sample.length; ) {
    const lf = sample.indexOf(0x0a, start);
    const end = lf === -1 ? sample.length : lf;
    const line = sample.subarray(start, end);
    if (!isAscii(line)) {
      if (isUtf8(line)) valid++;
      else {
        invalid++;
        if (first === -1) first = start;
        if (badBytes < 64 * 1024) {
          bad.push(line);
          badBytes += line.length;
        }
      }
    }
    start = end + 1;
  }
  if (invalid === 0 || invalid < valid) return undefined;
  return { line: lineOf(sample, first), guess: guessEncoding(Buffer.concat(bad)) };
}

/** The likeliest encoding of text that is not UTF-8: GB18030/GBK, Big5, or a single-byte code page. */
export function guessEncoding(bytes: Buffer): Guess {
  const utf16 = looksLikeUtf16(bytes);
  if (utf16) return utf16;
  if (cjkShare(bytes, isGbTrail, isGbHanzi, true) >= 0.8) return 'gb18030';
  if (cjkShare(bytes, isBig5Trail, isBig5Hanzi, false) >= 0.8) return 'big5';
  return 'windows-1252';
}

const isGbTrail = (b: number) => b >= 0x40 && b <= 0xfe && b !== 0x7f;
/** GB2312's Hanzi rows: where nearly every character of Chinese names and addresses falls. */
const isGbHanzi = (lead: number, trail: number) => lead >= 0xb0 && lead <= 0xf7 && trail >= 0xa1;
const isBig5Trail = (b: number) => (b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe);
const isBig5Hanzi = (lead: number) => lead >= 0xa4 && lead <= 0xf9;

/**
 * The share of two-byte characters in the usual Hanzi area, when every byte ≥ 0x80 pairs into a
 * well-formed double-byte character (GB18030's four-byte form counts as well-formed); 0 otherwise.
 */
function cjkShare(
  bytes: Buffer,
  isTrail: (b: number) => boolean,
  isHanzi: (lead: number, trail: number) => boolean,
  fourByte: boolean,
): number {
  let pairs = 0;
  let hanzi = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]!;
    if (lead < 0x80) continue;
    if (lead === 0x80 || lead === 0xff) return 0;
    const next = bytes[i + 1];
    if (next === undefined) return 0;
    if (fourByte && next >= 0x30 && next <= 0x39) {
      const [third, fourth] = [bytes[i + 2], bytes[i + 3]];
      if (third === undefined || fourth === undefined || third < 0x81 || fourth < 0x30 || fourth > 0x39)
        return 0;
      i += 3;
      pairs++;
      continue;
    }
    if (!isTrail(next)) return 0;
    pairs++;
    if (isHanzi(lead, next)) hanzi++;
    i++;
  }
  return pairs === 0 ? 0 : hanzi / pairs;
}

/** UTF-16 without a byte-order mark: ASCII-heavy text then has a NUL in every other byte. */
function looksLikeUtf16(bytes: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const half = n / 2;
  if (odd > half * 0.3 && even < half * 0.05) return 'utf-16le';
  if (even > half * 0.3 && odd < half * 0.05) return 'utf-16be';
  return undefined;
}

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return i;
  return 0;
}

/** The 1-based line of a byte offset; a line ends at LF, CRLF or a lone CR (as the readers count). */
export function lineOf(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/**
 * Decodes a byte stream in any iconv-lite encoding into UTF-8 bytes. Bytes that are not valid in the
 * encoding become U+FFFD, which the readers refuse (field named) as MSV_INPUT_BAD_ENCODING.
 */
export class Utf8Transcoder extends Transform {
  private readonly decoder: ReturnType<typeof iconv.getDecoder>;

  constructor(readonly encoding: string) {
    super();
    this.decoder = iconv.getDecoder(encoding, { stripBOM: false });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.decoder.write(chunk);
    callback(null, text ? Buffer.from(text, 'utf8') : undefined);
  }

  override _flush(callback: TransformCallback): void {
    const text = this.decoder.end();
    callback(null, text ? Buffer.from(text, 'utf8') : undefined);
  }
}

/** How a reader names bytes that are not valid in the file's encoding. */
export function invalidTextReason(encoding: string): string {
  return encoding === UTF8 ? 'invalid UTF-8' : `invalid ${encoding} bytes`;
}
