import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MissiveError } from '../core/errors.ts';
import type { TokenPurpose } from '../render/index.ts';

/**
 * Signed tracking tokens (RELIABILITY S4), the links messages carried before short links:
 * `<payload>.<mac>`, both base64url. The payload is purpose, communication id, offer id, target URL
 * and expiry (epoch seconds, base 36), one per line
 * (no field may hold a line break, so the split is unambiguous); the MAC is HMAC-SHA256 over the
 * exact payload bytes, truncated to 128 bits, compared in constant time.
 * The purpose (`c` click, `o` open) is signed too, so a pixel token never works as a redirect. The
 * resolver returns the target only from a token whose MAC verifies and whose expiry is ahead, so a
 * tampered, URL-swapped or cross-delivery token (another communication's fields under this MAC)
 * yields an error and never an off-site Location.
 */

export type { TokenPurpose };

export interface TrackingClaims {
  purpose: TokenPurpose;
  communicationId: string;
  /** The offer the link promotes; null for links that belong to no offer (and the open pixel). */
  offerId: string | null;
  /** Absolute http(s) URL for clicks; empty for the open pixel. */
  target: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const MAC_BYTES = 16;
const PURPOSE_CODE: Record<TokenPurpose, string> = { click: 'c', open: 'o' };

/**
 * The long signed token earlier versions put in sent links. Runs now send short links
 * (short-links.ts); this stays as the definition of the format `verifyToken` still accepts.
 */
export function signToken(key: Uint8Array, claims: TrackingClaims): string {
  if (claims.purpose === 'click') assertHttpTarget(claims.target);
  const fields = [
    PURPOSE_CODE[claims.purpose],
    claims.communicationId,
    claims.offerId ?? '',
    claims.target,
    Math.floor(claims.expiresAt).toString(36),
  ];
  if (fields.some((f) => /[\r\n]/.test(f))) {
    throw new MissiveError('MSV_FEEDBACK_BAD_TARGET', 'a tracked link field contains a line break');
  }
  const payload = Buffer.from(fields.join('\n')).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The claims of a valid token for `purpose`, or MSV_FEEDBACK_TOKEN_INVALID / _EXPIRED. */
export function verifyToken(
  key: Uint8Array,
  token: string,
  purpose: TokenPurpose,
  nowMs: number,
): TrackingClaims {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 4096) throw invalid('not a tracking token');
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid('the signature does not match');
  }
  const claims = parseClaims(payload);
  if (claims.purpose !== purpose) throw invalid(`a ${claims.purpose} token used for ${purpose}`);
  if (claims.expiresAt * 1000 <= nowMs) {
    throw new MissiveError('MSV_FEEDBACK_TOKEN_EXPIRED', 'the tracking link has expired', {
      communicationId: claims.communicationId,
    });
  }
  if (purpose === 'click') assertHttpTarget(claims.target);
  return claims;
}

function parseClaims(payload: string): TrackingClaims {
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
  if (fields.length !== 5) throw invalid('the payload has the wrong shape');
  const [p, communicationId, offerId, target, expiry] = fields as [string, string, string, string, string];
  const purpose = p === 'c' ? 'click' : p === 'o' ? 'open' : undefined;
  const expiresAt = Number.parseInt(expiry, 36);
  if (purpose === undefined || communicationId === '' || !/^[0-9a-z]+$/.test(expiry)) {
    throw invalid('the payload has the wrong shape');
  }
  return { purpose, communicationId, offerId: offerId === '' ? null : offerId, target, expiresAt };
}

function mac(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
}

/** Only absolute http(s) URLs are signed or followed: no javascript:, data:, or relative paths. */
export function assertHttpTarget(target: string): void {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new MissiveError('MSV_FEEDBACK_BAD_TARGET', 'the link target is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MissiveError('MSV_FEEDBACK_BAD_TARGET', `the link target has scheme ${url.protocol}`);
  }
}

function invalid(reason: string): MissiveError {
  return new MissiveError('MSV_FEEDBACK_TOKEN_INVALID', `invalid tracking token: ${reason}`);
}

/**
 * The tracking key (it signs the legacy long tokens and derives the short links' codes):
 * MISSIVE_TRACKING_KEY when set, else a random 32-byte key kept in `keyFile` (created with mode
 * 0600 on first use; a concurrent first use keeps whichever file won). A key in `legacyKeyFile`
 * (where earlier versions kept it) is used as it is, so links already sent keep working.
 */
export function loadTrackingKey(options: {
  configured: string | undefined;
  keyFile: string;
  legacyKeyFile?: string | undefined;
}): Buffer {
  if (options.configured) return Buffer.from(options.configured, 'utf8');
  for (const file of [options.keyFile, options.legacyKeyFile]) {
    if (file === undefined) continue;
    try {
      return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  fs.mkdirSync(path.dirname(options.keyFile), { recursive: true });
  try {
    fs.writeFileSync(options.keyFile, `${randomBytes(32).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(fs.readFileSync(options.keyFile, 'utf8').trim(), 'base64url');
}
