import type { ChannelKind, Customer } from '../core/types.ts';
import type { CustomerHistory } from './decision.ts';

/**
 * Suppression rules, each a small pure function over the customer, the history passed in, and
 * `now`: consent per channel and purpose, do-not-contact, frequency caps across runs, quiet hours in
 * the customer's time zone, and offers declined recently.
 */

const DAY_MS = 86_400_000;

/** Whether a customer consented to a channel for a purpose (service or marketing). */
export function hasConsent(
  customer: Customer,
  channel: ChannelKind,
  purpose: 'service' | 'marketing',
): boolean {
  return customer.consent[channel]?.[purpose] === true;
}

/** Do-not-contact (marketing): a `doNotContact` trait or the history's flag. */
export function isDoNotContact(customer: Customer, history: CustomerHistory): boolean {
  return customer.traits.doNotContact === true || history.doNotContact === true;
}

/**
 * Marketing communications in the `days` before `now`, from other runs (a resumed or repeated run
 * does not count against itself). True when one more would exceed `max`.
 */
export function frequencyCapReached(
  history: CustomerHistory,
  cap: { max: number; days: number },
  nowMs: number,
  runId: string,
): boolean {
  const since = nowMs - cap.days * DAY_MS;
  let count = 0;
  for (const c of history.communications) {
    if (c.purpose !== 'marketing' || c.runId === runId) continue;
    const at = Date.parse(c.at);
    if (at > since && at <= nowMs) count++;
  }
  return count >= cap.max;
}

/** The latest decline of this offer within `days` before now, if any. */
export function declinedWithin(
  history: CustomerHistory,
  offerId: string,
  days: number,
  nowMs: number,
): string | undefined {
  if (days <= 0) return undefined;
  const since = nowMs - days * DAY_MS;
  let latest: string | undefined;
  for (const d of history.declined) {
    if (d.offerId !== offerId) continue;
    const at = Date.parse(d.at);
    if (at > since && at <= nowMs && (latest === undefined || d.at > latest)) latest = d.at;
  }
  return latest;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const localMinuteCache = new Map<string, number>();

/** Minutes after local midnight at `nowMs` in the IANA time zone (cached: a run has one `now`). */
export function localMinuteOfDay(timeZone: string, nowMs: number): number {
  const key = `${timeZone}@${nowMs}`;
  const cached = localMinuteCache.get(key);
  if (cached !== undefined) return cached;
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, fmt);
  }
  let hour = 0;
  let minute = 0;
  for (const part of fmt.formatToParts(nowMs)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  const value = hour * 60 + minute;
  if (localMinuteCache.size > 10_000) localMinuteCache.clear();
  localMinuteCache.set(key, value);
  return value;
}

const clockMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True inside [start, end) local time; a window like 21:00–08:00 wraps past midnight. */
export function inQuietHours(
  timeZone: string,
  nowMs: number,
  quiet: { start: string; end: string },
): boolean {
  const m = localMinuteOfDay(timeZone, nowMs);
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  return start <= end ? m >= start && m < end : m >= start || m < end;
}
