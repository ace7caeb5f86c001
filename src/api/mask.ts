import { maskDigits } from '../templates/index.ts';

/**
 * What lists and screens show of personal data (issue 7, RELIABILITY S7): phone `138****5678`,
 * account `**** 1234`, e-mail `z***@example.com`, card numbers at most BIN + last 4 (PCI DSS 3.4.1).
 */

/** Country codes whose prefix is dropped before masking, so a Chinese mobile reads `138****5678`. */
const COUNTRY_PREFIXES = ['+86', '+44'];

export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const prefix = COUNTRY_PREFIXES.find((p) => phone.startsWith(p));
  const national = (prefix ? phone.slice(prefix.length) : phone).replace(/\D/g, '');
  if (national.length < 8) return `****${national.slice(-2)}`;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

export function maskAccount(account: string): string {
  return maskDigits(account, 4);
}

export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** A run of 13–19 digits, optionally grouped by spaces or dashes: what a card number looks like. */
const PAN_LIKE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;

/** Every PAN-like digit run in `text` keeps at most its first 6 and last 4 digits. */
export function maskPans(text: string): string {
  return text.replace(PAN_LIKE, (run) => {
    const digits = run.replace(/\D/g, '');
    return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
  });
}

/** Trait values as the screen shows them: strings with card-like numbers masked. */
export function maskTraits(traits: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(traits).map(([k, v]) => [k, typeof v === 'string' ? maskPans(v) : v]),
  );
}
