import type { UiLocale } from './i18n/index.ts';

/** Where a user who chose no zone is assumed to be, by the language of the UI (issue 18 item 6). */
const DEFAULT_ZONE: Record<UiLocale, string> = { 'zh-CN': 'Asia/Shanghai', 'en-GB': 'Europe/London' };

export function defaultTimeZone(locale: UiLocale): string {
  return DEFAULT_ZONE[locale];
}

/** An IANA zone this Node knows (`Asia/Shanghai`, `UTC`); anything else is refused. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every zone to choose from, UTC first. */
export function timeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/** Who reads a time: the UI's language and their zone (a PageContext is one). */
export interface Viewer {
  locale: UiLocale;
  timeZone: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A stored time (ISO-8601 UTC) as the viewer reads it: in their zone, in their language, with the
 * zone named. `seconds` for logs where the order within a minute matters.
 *
 * @example formatTime('2026-11-30T14:05:09Z', { locale: 'zh-CN', timeZone: 'Asia/Shanghai' })
 * // '2026/11/30 22:05（Asia/Shanghai）'
 */
export function formatTime(
  iso: string | null | undefined,
  viewer: Viewer,
  options: { seconds?: boolean } = {},
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `${viewer.locale}|${viewer.timeZone}|${options.seconds === true}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(viewer.locale, {
      timeZone: viewer.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(options.seconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formats.set(key, format);
  }
  const zone = viewer.locale === 'zh-CN' ? `（${viewer.timeZone}）` : ` (${viewer.timeZone})`;
  return `${format.format(date)}${zone}`;
}
