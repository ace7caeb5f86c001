import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, signatureOf, verifySignature } from './webhook-signature.ts';

describe('status webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1","type":"communication.sent"}';

  it('is HMAC-SHA256 over "t.body" in hex (a value any receiver can recompute)', () => {
    // echo -n '1764950400.{"id":"evt_1","type":"communication.sent"}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureOf(secret, 1764950400, body)).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureHeader(secret, 1764950400, body)).toBe(
      `t=1764950400,v1=${signatureOf(secret, 1764950400, body)}`,
    );
  });

  it('verifies the exact body, and refuses another body, secret, time or a missing header', () => {
    const header = signatureHeader(secret, 1000, body);
    expect(verifySignature(secret, header, body, 1000)).toEqual({ ok: true, timestamp: 1000 });
    expect(verifySignature(secret, header, `${body} `, 1000).ok).toBe(false);
    expect(verifySignature('whsec_other', header, body, 1000).ok).toBe(false);
    expect(verifySignature(secret, header, body, 1000 + 301)).toEqual({
      ok: false,
      reason: 'timestamp outside tolerance',
    });
    expect(verifySignature(secret, undefined, body, 1000).ok).toBe(false);
    expect(verifySignature(secret, 't=1000,v1=zz', body, 1000).ok).toBe(false);
    // A header with the timestamp moved keeps the old signature: refused.
    const moved = header.replace('t=1000', 't=1001');
    expect(verifySignature(secret, moved, body, 1001).ok).toBe(false);
  });

  it('accepts any of several v1 signatures (a secret being rotated)', () => {
    const header = `t=5,v1=${'0'.repeat(64)},v1=${signatureOf(secret, 5, body)}`;
    expect(verifySignature(secret, header, body, 5).ok).toBe(true);
  });

  it('makes distinct secrets', () => {
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
  });
});
