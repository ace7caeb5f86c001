import type { ErrorCode } from '../core/errors.ts';

/**
 * Turning one raw value (a CSV cell or a JSON value) into a typed value. Pure functions that return
 * the value or the reason it was refused; the reasons never repeat the value (it may be personal data).
 */

/** A refusal may carry its own error code (default MSV_INPUT_BAD_VALUE). */
export type Coerced<T> = { ok: true; value: T } | { ok: false; reason: string; code?: ErrorCode };

export const DEFAULT_TRUE_VALUES: readonly string[] = ['yes', 'y', '1', 'true'];
export const DEFAULT_FALSE_VALUES: readonly string[] = ['no', 'n', '0', 'false'];
export const DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYYMMDD'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value });
const fail = <T>(reason: string): Coerced<T> => ({ ok: false, reason });

/** How a JSON value reads as text; objects and arrays are not text. */
export function toText(value: unknown): Coerced<string> {
  if (typeof value === 'string') return ok(value);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  if (typeof value === 'boolean' || typeof value === 'bigint') return ok(String(value));
  return fail(`expected a single value, got ${Array.isArray(value) ? 'a list' : typeof value}`);
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as a finite number ('.' or ',' decimal separator), or why it is not one. */
export function toNumber(value: unknown, decimalSeparator: '.' | ',' = '.'): Coerced<number> {
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : fail('not a finite number');
  if (typeof value !== 'string') return fail(`not a number (got ${typeof value})`);
  const text = decimalSeparator === ',' ? value.replace(',', '.') : value;
  if (DECIMAL.test(text)) return ok(Number(text));
  if (decimalSeparator === '.' && /^[+-]?\d+,\d+$/.test(value)) {
    return fail('not a number (decimal comma? set "decimalSeparator": "," in the mapping)');
  }
  return fail('not a number');
}

/** A cell as a safe integer, or why it is not one. */
export function toInteger(value: unknown, decimalSeparator: '.' | ',' = '.'): Coerced<number> {
  const n = toNumber(value, decimalSeparator);
  if (!n.ok) return fail(n.reason.replace('not a number', 'not an integer'));
  if (!Number.isSafeInteger(n.value)) return fail('not an integer');
  return n;
}

/** A cell as a boolean by the given true/false words (case-insensitive), or why it is not one. */
export function toBoolean(
  value: unknown,
  trueValues: readonly string[] = DEFAULT_TRUE_VALUES,
  falseValues: readonly string[] = DEFAULT_FALSE_VALUES,
): Coerced<boolean> {
  if (typeof value === 'boolean') return ok(value);
  const text = toText(value);
  if (!text.ok) return fail('not a boolean');
  const key = text.value.toLowerCase();
  if (trueValues.some((v) => v.toLowerCase() === key)) return ok(true);
  if (falseValues.some((v) => v.toLowerCase() === key)) return ok(false);
  return fail(`not a boolean (expected one of ${[...trueValues, ...falseValues].join('/')})`);
}

const DATE_PATTERNS: Record<DateFormat, { re: RegExp; order: [number, number, number] }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{2})-(\d{2})$/, order: [1, 2, 3] },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 2, 1] },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 1, 2] },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: [3, 2, 1] },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, order: [1, 2, 3] },
};

/** A calendar date in the given format, returned as ISO YYYY-MM-DD. */
export function toDate(value: unknown, format: DateFormat = 'YYYY-MM-DD'): Coerced<string> {
  const text = toText(value);
  if (!text.ok) return fail(`not a date (expected ${format})`);
  const { re, order } = DATE_PATTERNS[format];
  const m = re.exec(text.value);
  if (!m) return fail(`not a date (expected ${format})`);
  const [y, mo, d] = order.map((i) => Number(m[i]));
  if (!isCalendarDate(y!, mo!, d!)) return fail('not a calendar date');
  return ok(`${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** An e-mail address in the HTML5 "valid e-mail address" shape with a dotted domain; domain lower-cased. */
export function toEmail(value: unknown): Coerced<string> {
  const text = toText(value);
  if (!text.ok || text.value.length > 254 || !EMAIL.test(text.value))
    return fail('not a valid e-mail address');
  const at = text.value.lastIndexOf('@');
  const local = text.value.slice(0, at);
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return fail('not a valid e-mail address');
  }
  return ok(`${local}@${text.value.slice(at + 1).toLowerCase()}`);
}

/** An E.164 number: "+", country code, at most 15 digits. Spaces, dots, hyphens and brackets are dropped. */
export function toPhone(value: unknown): Coerced<string> {
  const text = toText(value);
  if (!text.ok) return fail('not an E.164 phone number');
  const compact = text.value.replace(/[\s.\-()]/g, '');
  if (/^\+[1-9]\d{1,14}$/.test(compact)) return ok(compact);
  if (/^(?:00|0)?\d{6,15}$/.test(compact)) {
    return fail('not an E.164 phone number (needs + and the country code, e.g. +447700900123)');
  }
  return fail('not an E.164 phone number');
}

const localeCache = new Map<string, Coerced<string>>();
const timeZoneCache = new Map<string, Coerced<string>>();

/** A BCP 47 language tag, canonicalised ("en-gb" → "en-GB"). */
export function toLocale(value: unknown): Coerced<string> {
  const text = toText(value);
  if (!text.ok) return fail('not a BCP 47 locale');
  return cached(localeCache, text.value.replace(/_/g, '-'), (tag) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      return canonical ? ok(canonical) : fail('not a BCP 47 locale');
    } catch {
      return fail('not a BCP 47 locale (e.g. en-GB, zh-CN)');
    }
  });
}

/** An IANA time zone name known to this Node (e.g. Europe/London). */
export function toTimeZone(value: unknown): Coerced<string> {
  const text = toText(value);
  if (!text.ok) return fail('not an IANA time zone');
  return cached(timeZoneCache, text.value, (zone) => {
    try {
      return ok(new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone);
    } catch {
      return fail('not an IANA time zone (e.g. Europe/London, Asia/Shanghai)');
    }
  });
}

/** A two-letter ISO 3166-1 country code, upper-cased. */
export function toCountry(value: unknown): Coerced<string> {
  const text = toText(value);
  if (!text.ok || !/^[A-Za-z]{2}$/.test(text.value)) return fail('not an ISO 3166-1 alpha-2 country code');
  return ok(text.value.toUpperCase());
}

function cached(cache: Map<string, Coerced<string>>, key: string, compute: (k: string) => Coerced<string>) {
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = compute(key);
    if (cache.size < 10_000) cache.set(key, hit);
  }
  return hit;
}
