import { HelperError, kindOf, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';

const STYLES = {
  long: { dateStyle: 'long' }, // 30 November 2026 | 2026年11月30日
  medium: { dateStyle: 'medium' }, // 30 Nov 2026 | 2026年11月30日
  short: { dateStyle: 'short' }, // 30/11/2026 | 2026/11/30
  dayMonth: { day: 'numeric', month: 'short' }, // 30 Nov | 11月30日
  month: { month: 'short' }, // Nov | 11月 (chart axes)
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateStyle = keyof typeof STYLES;

const formats = new Map<string, Intl.DateTimeFormat>();
/**
 * Formatted dates by locale × style × date: a run renders the same few dates (due date, period end) for
 * every customer, and formatting through Intl costs more than the rest of an SMS. Only valid dates are
 * kept (an invalid one still throws every time); bounded, cleared when full.
 */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 10_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a YYYY-MM-DD calendar date to UTC midnight; anything else (including 2026-02-30) is rejected. */
export function parseIsoDate(value: string): Date | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().startsWith(value) ? date : undefined;
}

/**
 * Formats a calendar date in UTC: the date is a day, not an instant, so neither the machine's
 * time zone nor its clock can change the output.
 */
export function formatDate(value: string, locale: string, style: DateStyle = 'long'): string {
  const memoKey = `${locale}|${style}|${value}`;
  const known = formatted.get(memoKey);
  if (known !== undefined) return known;
  const date = parseIsoDate(value);
  if (!date) throw new HelperError('date: expected a calendar date as YYYY-MM-DD');
  const key = `${locale}|${style}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: 'UTC' });
    formats.set(key, format);
  }
  const text = format.format(date);
  if (formatted.size >= FORMATTED_MAX) formatted.clear();
  formatted.set(memoKey, text);
  return text;
}

/** `{{date period.to}}` or `{{date row.date 'dayMonth'}}` (styles: long, medium, short, dayMonth, month). */
export function dateHelper(...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [value, style = 'long'] = params;
  if (typeof value !== 'string')
    throw new HelperError(`date: expected a YYYY-MM-DD string, got ${kindOf(value)}`);
  if (typeof style !== 'string' || !Object.hasOwn(STYLES, style)) {
    throw new HelperError(`date: unknown style; use one of ${Object.keys(STYLES).join(', ')}`);
  }
  return formatDate(value, runtimeOf(options).locale, style as DateStyle);
}
