import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The one-time sign-in code: six digits from the CSPRNG (every value 000000–999999 equally likely),
 * kept only as an HMAC under the portal key and bound to its challenge — six digits are a million
 * guesses offline, so a plain hash would not protect a leaked table.
 */
export const CODE_DIGITS = 6;

export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** HMAC-SHA256(key, challenge ‖ code), hex. */
export function codeHmac(key: Uint8Array, challengeSha256: string, code: string): string {
  return createHmac('sha256', key).update(`${challengeSha256}\u001f${code}`).digest('hex');
}

/** Keyed hash of an identifier or address (limits count by it; the table never holds the address). */
export function identifierHmac(key: Uint8Array, value: string): string {
  return createHmac('sha256', key).update(`id\u001f${value}`).digest('hex');
}

/** What the customer typed looks like a code: exactly six digits once spaces are gone. */
export function normaliseCode(typed: string): string | undefined {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/** Compares two hex HMACs in constant time. */
export function hmacEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
