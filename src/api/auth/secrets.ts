import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../core/hash.ts';

/** Session ids, CSRF tokens and API tokens: 256 random bits, URL-safe. Only their sha256 is stored. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): string {
  return sha256Hex(secret);
}

/** API tokens start with this, so a leaked one is easy to recognise (and to scan for). */
export const API_TOKEN_PREFIX = 'msv_';
