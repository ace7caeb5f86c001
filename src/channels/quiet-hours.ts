import { localMinuteOfDay } from '../rules/index.ts';

/**
 * Quiet hours re-checked at send time (the decision checked them when it was made; a queue may send
 * hours later). Reuses the rules' clock arithmetic; says how long until the window ends, or 0 when
 * it is not quiet now.
 */
export function msUntilQuietHoursEnd(
  timeZone: string,
  nowMs: number,
  quiet: { start: string; end: string },
): number {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const m = localMinuteOfDay(timeZone, nowMs);
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  const inside = start <= end ? m >= start && m < end : m >= start || m < end;
  if (!inside) return 0;
  const left = (end - m + 1440) % 1440;
  return left * 60_000;
}
