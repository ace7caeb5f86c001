import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyTraffic } from './machine-traffic.ts';
import { loadTrackingKey, signToken, verifyToken } from './tracking-token.ts';

const KEY = Buffer.from('k'.repeat(32));
const NOW = Date.parse('2026-11-23T12:00:00Z');
const LATER = NOW / 1000 + 86_400;
const claims = {
  purpose: 'click' as const,
  communicationId: 'com_a',
  offerId: 'term-deposit',
  target: 'https://bank.example/term-deposit',
  expiresAt: LATER,
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('tracking tokens', () => {
  it('round-trips the signed claims', () => {
    const token = signToken(KEY, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyToken(KEY, token, 'click', NOW)).toEqual(claims);
  });

  it('rejects a tampered payload, a swapped URL and another delivery under this MAC', () => {
    const token = signToken(KEY, claims);
    const [payload, mac] = token.split('.') as [string, string];
    const swapped = Buffer.from(
      ['c', 'com_a', 'term-deposit', 'https://evil.example/', LATER.toString(36)].join('\n'),
    ).toString('base64url');
    const other = signToken(KEY, { ...claims, communicationId: 'com_b' }).split('.')[0];
    expect(code(() => verifyToken(KEY, `${swapped}.${mac}`, 'click', NOW))).toBe(
      'MSV_FEEDBACK_TOKEN_INVALID',
    );
    expect(code(() => verifyToken(KEY, `${other}.${mac}`, 'click', NOW))).toBe('MSV_FEEDBACK_TOKEN_INVALID');
    const flipped = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${mac}`;
    expect(code(() => verifyToken(KEY, flipped, 'click', NOW))).toBe('MSV_FEEDBACK_TOKEN_INVALID');
    expect(code(() => verifyToken(KEY, `${payload}.${mac.slice(0, -2)}`, 'click', NOW))).toBe(
      'MSV_FEEDBACK_TOKEN_INVALID',
    );
    expect(code(() => verifyToken(KEY, 'garbage', 'click', NOW))).toBe('MSV_FEEDBACK_TOKEN_INVALID');
  });

  it('rejects another key, another purpose and an expired token', () => {
    const token = signToken(KEY, claims);
    expect(code(() => verifyToken(Buffer.from('x'.repeat(32)), token, 'click', NOW))).toBe(
      'MSV_FEEDBACK_TOKEN_INVALID',
    );
    const pixel = signToken(KEY, { ...claims, purpose: 'open', target: '' });
    expect(code(() => verifyToken(KEY, pixel, 'click', NOW))).toBe('MSV_FEEDBACK_TOKEN_INVALID');
    expect(code(() => verifyToken(KEY, token, 'click', LATER * 1000))).toBe('MSV_FEEDBACK_TOKEN_EXPIRED');
  });

  it('refuses to sign anything but an absolute http(s) target', () => {
    for (const target of ['javascript:alert(1)', '//evil.example/', '/relative', 'data:text/html,x']) {
      expect(code(() => signToken(KEY, { ...claims, target }))).toBe('MSV_FEEDBACK_BAD_TARGET');
    }
  });

  it('creates a key file once and reuses it; a configured key wins', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-key-'));
    const keyFile = path.join(dir, 'sub', 'tracking.key');
    const a = loadTrackingKey({ configured: undefined, keyFile });
    expect(a.length).toBe(32);
    expect(loadTrackingKey({ configured: undefined, keyFile }).equals(a)).toBe(true);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loadTrackingKey({ configured: 'c'.repeat(40), keyFile }).toString()).toBe('c'.repeat(40));
    // A key left where earlier versions kept it is used, not replaced.
    const moved = path.join(dir, 'keys', 'tracking.key');
    expect(loadTrackingKey({ configured: undefined, keyFile: moved, legacyKeyFile: keyFile }).equals(a)).toBe(
      true,
    );
    expect(fs.existsSync(moved)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('machine traffic', () => {
  const human = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
  it('flags privacy proxies, scanners, HEAD requests and instant opens', () => {
    const ua = (userAgent: string | undefined, method = 'GET', sinceSentMs?: number) =>
      classifyTraffic({ userAgent, method, ...(sinceSentMs === undefined ? {} : { sinceSentMs }) });
    expect(
      ua('Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)').reason,
    ).toBe('google-image-proxy');
    expect(ua('Mozilla/5.0').reason).toBe('apple-mail-privacy-protection');
    expect(ua('Barracuda Sentinel (EE)').machine).toBe(true);
    expect(ua(human, 'HEAD').reason).toBe('head-request');
    expect(ua(human, 'GET', 2_000).reason).toBe('within-seconds-of-sending');
    expect(ua(human, 'GET', 3_600_000)).toEqual({ machine: false, reason: null });
  });
});

describe('tracking tokens (property)', () => {
  it('any single-character change of a token is rejected', () => {
    const token = signToken(KEY, claims);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet), (at, ch) => {
        fc.pre(token[at] !== ch);
        const changed = `${token.slice(0, at)}${ch}${token.slice(at + 1)}`;
        let target: string | undefined;
        try {
          target = verifyToken(KEY, changed, 'click', NOW).target;
        } catch {
          target = undefined;
        }
        // base64url's last character can carry unused bits: a change there may decode to the same bytes
        return target === undefined || target === claims.target;
      }),
      { numRuns: 2000 },
    );
  });
});
