import { createHmac } from 'node:crypto';

/** What a tracked link does: a click (redirect to the target) or an open (the e-mail's pixel). */
export type TokenPurpose = 'click' | 'open';

/**
 * Short tracked links: `/t/<code>` for a click, `/o/<code>.gif` for the open pixel. The code is ten
 * base62 characters (59.5 bits) taken from HMAC-SHA256 under the tracking key of the communication,
 * the purpose and the target, so it is unguessable without the key, and the same link of the same
 * communication always gets the same code: a retried render makes the same bytes and the same link
 * row. The code carries nothing: the target lives in the `tracked_links` table, so a link can only
 * lead where Missive stored it (never an open redirect). Pure.
 */

export const SHORT_CODE_LENGTH = 10;
/** Codes Missive makes (10 characters) and may make (8–10); anything else is a legacy signed token. */
export const SHORT_CODE = /^[0-9A-Za-z]{8,10}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = BigInt(ALPHABET.length);

/**
 * A link's short code: ten base62 characters of HMAC-SHA256 over communication, purpose and target (the same
 * link always gets the same code).
 */
export function shortCode(
  key: Uint8Array,
  communicationId: string,
  purpose: TokenPurpose,
  target: string,
): string {
  const mac = createHmac('sha256', key)
    .update(`missive-link/1\n${purpose}\n${communicationId}\n${target}`)
    .digest();
  // 64 bits reduced to 10 base62 digits (62^10 ≈ 2^59.5; the reduction's bias is under 5 %).
  let n = mac.readBigUInt64BE(0);
  let code = '';
  for (let i = 0; i < SHORT_CODE_LENGTH; i++) {
    code = ALPHABET[Number(n % BASE)] + code;
    n /= BASE;
  }
  return code;
}

/** The short click URL `<base>/t/<code>`. */
export function shortClickUrl(baseUrl: string, code: string): string {
  return `${trimSlash(baseUrl)}/t/${code}`;
}

export function shortPixelUrl(baseUrl: string, code: string): string {
  return `${trimSlash(baseUrl)}/o/${code}.gif`;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
