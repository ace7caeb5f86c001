import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from './envelope.ts';

describe('AES-256-GCM envelopes', () => {
  const key = randomBytes(32);

  it('round-trips any bytes, and the same plaintext seals to the same envelope', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (plaintext) => {
        const sealed = sealEnvelope(key, 'key_a', plaintext);
        expect(Buffer.from(openEnvelope(key, 'key_a', sealed))).toEqual(Buffer.from(plaintext));
        expect(Buffer.from(sealEnvelope(key, 'key_a', plaintext))).toEqual(Buffer.from(sealed));
      }),
      { numRuns: 100 },
    );
  });

  it('does not open with another key, another key id, or after one flipped bit', () => {
    const sealed = Buffer.from(sealEnvelope(key, 'key_a', Buffer.from('{"name":"Ann"}')));
    expect(sealed.includes(Buffer.from('Ann'))).toBe(false);
    expect(() => openEnvelope(randomBytes(32), 'key_a', sealed)).toThrow(/does not decrypt/);
    expect(() => openEnvelope(key, 'key_b', sealed)).toThrow(/does not decrypt/);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect(() => openEnvelope(key, 'key_a', flipped)).toThrow(/does not decrypt/);
    expect(() => openEnvelope(key, 'key_a', Buffer.from('%PDF-1.7'))).toThrow(/not a Missive envelope/);
  });
});
