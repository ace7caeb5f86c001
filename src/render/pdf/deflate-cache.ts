/**
 * Compressed streams shared across documents. pdfkit deflates every stream of every document with
 * `zlib.deflateSync` (the builtin module's function, looked up at each call), and many streams are
 * the same bytes in every statement: the PDF/A output intent's sRGB profile, the bold font's subset
 * and its ToUnicode map (headings are the template's own words), and for Latin-script documents the
 * regular font's subset too (see subset-cache.ts). zlib gives the same output for the same input at
 * the same settings, so a stream seen before gets the compressed bytes kept from then: the PDF's bytes
 * do not change, only the time (deflate was ~15 % of a statement's render).
 *
 * The swap of `zlib.deflateSync` is scoped: `withDeflateCache` installs it for a synchronous call
 * (a document's drawing and `doc.end()`) and restores the original before returning, so no other code
 * of the process sees it. Only plain calls (bytes, no options: how pdfkit calls it) are cached.
 * Like the other render caches, a stream is kept from its second sighting (a customer's own page
 * contents are never seen again), entries are bounded by count and bytes, and a hit is compared byte
 * for byte with the stream it was kept for.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

interface Entry {
  readonly input: Buffer;
  readonly output: Buffer;
}

const MAX_ENTRIES = 256;
const MAX_BYTES = 32 * 1024 * 1024;
/** Streams this small cost less to deflate than to hash. */
const MIN_LENGTH = 512;

const kept = new Map<string, Entry>();
const seenOnce = new Set<string>();
let keptBytes = 0;

let enabled = true;
/** Tests switch the cache off to prove it never changes the bytes. */
export function setDeflateCacheEnabled(on: boolean): void {
  enabled = on;
}

type DeflateSync = typeof zlib.deflateSync;

function cachedDeflate(original: DeflateSync): DeflateSync {
  return ((input: zlib.InputType, options?: zlib.ZlibOptions) => {
    if (options !== undefined || !(input instanceof Uint8Array) || input.length < MIN_LENGTH) {
      return original(input, options);
    }
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const key = `${bytes.length}:${createHash('sha1').update(bytes).digest('base64')}`;
    const hit = kept.get(key);
    // A copy: whoever receives it may reuse it; the kept bytes belong to this cache alone.
    if (hit?.input.equals(bytes)) return Buffer.from(hit.output);
    const output = original(input);
    if (!hit && !seenOnce.has(key)) {
      if (seenOnce.size >= MAX_ENTRIES * 16) seenOnce.clear();
      seenOnce.add(key);
      return output;
    }
    const size = input.length + output.length;
    if (kept.size >= MAX_ENTRIES || keptBytes + size > MAX_BYTES) {
      kept.clear();
      keptBytes = 0;
    }
    kept.set(key, { input: Buffer.from(bytes), output: Buffer.from(output) });
    keptBytes += size;
    return output;
  }) as DeflateSync;
}

/** Runs `draw` (synchronous) with `zlib.deflateSync` answering repeated streams from the cache. */
export function withDeflateCache<T>(draw: () => T): T {
  if (!enabled) return draw();
  const module = zlib as { deflateSync: DeflateSync };
  const original = module.deflateSync;
  module.deflateSync = cachedDeflate(original);
  try {
    return draw();
  } finally {
    module.deflateSync = original;
  }
}
