import { describe, expect, it } from 'vitest';
import { isMissiveError } from '../core/errors.ts';
import { derivePortalLinkKey, portalDocumentUrl, signPortalLink, verifyPortalLink } from './portal-link.ts';

const key = derivePortalLinkKey(Buffer.from('a-tracking-key-of-at-least-32-characters!'));
const now = Date.UTC(2026, 10, 20, 10);
const claims = {
  communicationId: 'com_statement_C0001_email',
  customerId: 'C0001',
  issuedAt: now / 1000 - 60,
  expiresAt: now / 1000 + 86_400,
};

function refusal(token: string, at = now): string {
  try {
    verifyPortalLink(key, token, at);
  } catch (err) {
    if (isMissiveError(err)) return err.code;
    throw err;
  }
  return 'accepted';
}

/** Swaps one field of a token's payload and keeps its MAC (what a tamperer can do without the key). */
function withField(token: string, index: number, value: string): string {
  const [payload, mac] = token.split('.') as [string, string];
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
  fields[index] = value;
  return `${Buffer.from(fields.join('\n')).toString('base64url')}.${mac}`;
}

describe('signed portal document links', () => {
  it('gives back what was signed', () => {
    const token = signPortalLink(key, claims);
    expect(token).toMatch(/^[\w-]+\.[\w-]{22}$/);
    expect(verifyPortalLink(key, token, now)).toEqual({
      ...claims,
      issuedAt: Math.floor(claims.issuedAt),
      expiresAt: Math.floor(claims.expiresAt),
    });
    expect(portalDocumentUrl('https://bank.example/', token)).toBe(
      `https://bank.example/portal/open/${token}`,
    );
  });

  it('refuses another communication, another customer, a later expiry or an earlier issue under the same MAC', () => {
    const token = signPortalLink(key, claims);
    expect(refusal(withField(token, 1, 'com_statement_C0002_email'))).toBe('MSV_PORTAL_LINK_INVALID');
    expect(refusal(withField(token, 2, 'C0002'))).toBe('MSV_PORTAL_LINK_INVALID');
    expect(refusal(withField(token, 4, (now / 1000 + 10 * 86_400).toString(36)))).toBe(
      'MSV_PORTAL_LINK_INVALID',
    );
    expect(refusal(withField(token, 3, '0'))).toBe('MSV_PORTAL_LINK_INVALID');
  });

  it('refuses a flipped MAC, a truncated MAC, another key, garbage and an oversized token', () => {
    const token = signPortalLink(key, claims);
    const [payload, mac] = token.split('.') as [string, string];
    const flipped = `${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect(refusal(flipped)).toBe('MSV_PORTAL_LINK_INVALID');
    expect(refusal(`${payload}.${mac.slice(0, 10)}`)).toBe('MSV_PORTAL_LINK_INVALID');
    const other = derivePortalLinkKey(Buffer.from('another-tracking-key-of-32-characters!!'));
    expect(refusal(signPortalLink(other, claims))).toBe('MSV_PORTAL_LINK_INVALID');
    for (const bad of ['', '.', 'abc', `.${mac}`, `${payload}.`, `${'a'.repeat(2000)}.${mac}`]) {
      expect(refusal(bad)).toBe('MSV_PORTAL_LINK_INVALID');
    }
  });

  it('expires at its expiry', () => {
    const token = signPortalLink(key, claims);
    expect(refusal(token, claims.expiresAt * 1000 - 1)).toBe('accepted');
    expect(refusal(token, claims.expiresAt * 1000)).toBe('MSV_PORTAL_LINK_INVALID');
  });

  it('signs nothing with an empty field or a line break (the split must stay unambiguous)', () => {
    expect(() => signPortalLink(key, { ...claims, customerId: '' })).toThrow(/empty or has a line break/);
    expect(() => signPortalLink(key, { ...claims, communicationId: 'a\nb' })).toThrow(
      /empty or has a line break/,
    );
  });

  it('derives a 32-byte key of its own from the server secret', () => {
    const secret = Buffer.from('a-tracking-key-of-at-least-32-characters!');
    expect(Buffer.from(key).equals(secret.subarray(0, 32))).toBe(false);
    expect(key).toHaveLength(32);
  });
});
