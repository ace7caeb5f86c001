import { describe, expect, it } from 'vitest';
import { codeArtifact } from './code-message.ts';
import { identifierKey, parseIdentifier } from './identifier.ts';
import { DEFAULT_PORTAL_LIMITS, maySendCode } from './limits.ts';
import { noticeText } from './notice-message.ts';
import { codeHmac, hmacEquals, newCode, normaliseCode } from './one-time-code.ts';
import { contactOnFile } from './sign-in.ts';

describe('sign-in parts', () => {
  it('codes: six digits, every digit position used, HMAC bound to the challenge', () => {
    const codes = Array.from({ length: 2000 }, newCode);
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(new Set(codes.map((c) => c[0])).size).toBe(10);
    const key = new Uint8Array(32).fill(7);
    const a = codeHmac(key, 'challenge-a', '123456');
    expect(hmacEquals(a, codeHmac(key, 'challenge-a', '123456'))).toBe(true);
    expect(hmacEquals(a, codeHmac(key, 'challenge-b', '123456'))).toBe(false);
    expect(hmacEquals(a, codeHmac(new Uint8Array(32), 'challenge-a', '123456'))).toBe(false);
    expect(hmacEquals(a, '')).toBe(false);
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(normaliseCode('12345')).toBeUndefined();
    expect(normaliseCode('12345a')).toBeUndefined();
  });

  it('identifiers: e-mail (case-folded), phone (E.164 from spaces, dots, 00), else a customer id', () => {
    expect(parseIdentifier(' Zoe@Example.ORG ')).toEqual({ kind: 'email', value: 'zoe@example.org' });
    expect(parseIdentifier('+86 139 1234 5678')).toEqual({ kind: 'phone', value: '+8613912345678' });
    expect(parseIdentifier('0044 (7700) 900-123')).toEqual({ kind: 'phone', value: '+447700900123' });
    expect(parseIdentifier('C0001')).toEqual({ kind: 'id', value: 'C0001' });
    expect(parseIdentifier('')).toBeUndefined();
    expect(parseIdentifier('a\nb')).toBeUndefined();
    expect(parseIdentifier('x'.repeat(255))).toBeUndefined();
    expect(identifierKey({ kind: 'id', value: 'x' })).not.toBe(identifierKey({ kind: 'email', value: 'x' }));
  });

  it('the code goes to the chosen contact on file, else the other, else nowhere', () => {
    const both = { email: 'a@b.c', phone: '+441' };
    expect(contactOnFile(both, 'sms')).toEqual({ channel: 'sms', address: '+441' });
    expect(contactOnFile(both, 'email')).toEqual({ channel: 'email', address: 'a@b.c' });
    expect(contactOnFile({ email: null, phone: '+441' }, 'email')).toEqual({
      channel: 'sms',
      address: '+441',
    });
    expect(contactOnFile({ email: null, phone: null }, 'sms')).toBeUndefined();
  });

  it('limits: a code more only under every count', () => {
    const limits = DEFAULT_PORTAL_LIMITS;
    expect(maySendCode({ customer: 2, destination: 2, identifier: 4 }, limits)).toBe(true);
    expect(maySendCode({ customer: 3, destination: 0, identifier: 0 }, limits)).toBe(false);
    expect(maySendCode({ customer: 0, destination: 3, identifier: 0 }, limits)).toBe(false);
    expect(maySendCode({ customer: 0, destination: 0, identifier: 5 }, limits)).toBe(false);
  });

  it('the message says the code and its life in the customer language', () => {
    const sms = Buffer.from(codeArtifact('sms', '042137', { locale: 'zh-CN', minutes: 10 }).bytes).toString();
    expect(sms).toContain('042137');
    expect(sms).toContain('10 分钟');
    const email = Buffer.from(
      codeArtifact('email', '042137', { locale: 'en-GB', minutes: 10 }).bytes,
    ).toString();
    expect(email).toContain('Your sign-in code');
    expect(email).toContain('expires in 10 minutes');
  });
});

describe('preference confirmations', () => {
  it('say what changed, in the customer language', () => {
    expect(noticeText('en-GB', { paperless: true, marketing: { sms: false } }).text).toBe(
      'We have saved a change to how we contact you: paperless statements on; offers by text message off. If you did not make this change, please call us.',
    );
    expect(noticeText('zh-CN', { unsubscribedAll: true }).text).toContain('已退订所有营销信息');
  });
});
