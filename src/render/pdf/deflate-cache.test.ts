import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { setDeflateCacheEnabled, withDeflateCache } from './deflate-cache.ts';

/** Streams as pdfkit hands them over: Uint8Arrays, some of them views into a larger buffer. */
function stream(seed: number, length: number): Uint8Array {
  const backing = new Uint8Array(length + 16);
  for (let i = 0; i < backing.length; i += 1) backing[i] = (i * 31 + seed * 7 + (i >> 5)) & 0xff;
  return backing.subarray(8, 8 + length);
}

describe('deflate cache', () => {
  it('gives zlib.deflateSync’s bytes for streams seen once, twice and many times, in any order', () => {
    const streams = [stream(1, 600), stream(2, 20_000), stream(1, 600), stream(3, 100), stream(2, 20_000)];
    const expected = streams.map((s) => Buffer.from(zlib.deflateSync(s)));
    for (let round = 0; round < 3; round += 1) {
      const order = round === 1 ? [...streams.keys()].reverse() : [...streams.keys()];
      const got = withDeflateCache(() => order.map((i) => zlib.deflateSync(streams[i]!)));
      expect(got.map((b) => Buffer.from(b).toString('hex'))).toEqual(
        order.map((i) => expected[i]!.toString('hex')),
      );
    }
  });

  it('never hands out its own copy: a caller writing into the result does not change the next one', () => {
    const s = stream(4, 4_000);
    const expected = Buffer.from(zlib.deflateSync(s));
    for (let i = 0; i < 4; i += 1) {
      const out = withDeflateCache(() => zlib.deflateSync(s));
      expect(out.equals(expected)).toBe(true);
      out.fill(0);
    }
  });

  it('is a different stream with the same length and first bytes: compressed on its own', () => {
    const a = stream(5, 3_000);
    const b = Uint8Array.from(a);
    b[2_999] = (b[2_999]! + 1) & 0xff;
    withDeflateCache(() => [zlib.deflateSync(a), zlib.deflateSync(a)]);
    const got = withDeflateCache(() => zlib.deflateSync(b));
    expect(got.equals(zlib.deflateSync(b))).toBe(true);
  });

  it('restores zlib.deflateSync after the call, also when it throws, and can be switched off', () => {
    const original = zlib.deflateSync;
    expect(() =>
      withDeflateCache(() => {
        expect(zlib.deflateSync).not.toBe(original);
        throw new RangeError('drawing failed');
      }),
    ).toThrow('drawing failed');
    expect(zlib.deflateSync).toBe(original);
    setDeflateCacheEnabled(false);
    try {
      withDeflateCache(() => expect(zlib.deflateSync).toBe(original));
    } finally {
      setDeflateCacheEnabled(true);
    }
  });
});
