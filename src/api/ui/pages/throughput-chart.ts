import type { MinuteCount } from '../../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiLocale } from '../i18n/index.ts';

/** One colour per channel (colour-blind-safe Tableau 10), the same on every chart. */
const COLOURS: Record<string, string> = { print: '#4e79a7', email: '#f28e2b', sms: '#59a14f' };
const OTHER = '#b07aa1';

export interface ChartLabels {
  /** The y axis: `documents per minute`. */
  perMinute: string;
  /** The x axis: `time`. */
  time: string;
  /** A channel's name in the legend and titles (the viewer's language). */
  channel?: (channel: string) => string;
}

const W = 640;
const H = 260;
const M = { left: 56, right: 130, top: 16, bottom: 44 };

/** 0 and up to `max` in 4–5 round steps (1, 2, 5 × 10ⁿ). */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

/** Every minute from the first to the last (an idle minute is a zero bar, not a gap). */
function minutesBetween(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}:00Z`);
  for (let t = Date.parse(`${first}:00Z`); t <= end && out.length < 1440; t += 60_000)
    out.push(new Date(t).toISOString().slice(0, 16));
  return out;
}

/**
 * The run's throughput as inline SVG (no script, so the UI's CSP holds): documents per minute,
 * stacked by channel, with a y axis in documents per minute, time on the x axis in the viewer's
 * zone, and a legend with each channel's total.
 */
export function throughputChart(
  data: readonly MinuteCount[],
  viewer: { locale: UiLocale; timeZone: string },
  labels: ChartLabels,
): SafeHtml {
  if (data.length === 0) return html`<p>—</p>`;
  const minutes = minutesBetween(data[0]!.minute, data.at(-1)!.minute);
  const channels = [...new Set(data.map((d) => d.channel))].sort();
  const name = labels.channel ?? ((c: string) => c);
  const at = new Map(data.map((d) => [`${d.minute}|${d.channel}`, d.documents]));
  const totals = minutes.map((m) => channels.reduce((sum, c) => sum + (at.get(`${m}|${c}`) ?? 0), 0));
  const ticks = niceTicks(Math.max(...totals));
  const top = ticks.at(-1)!;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const slot = plotW / minutes.length;
  const clock = new Intl.DateTimeFormat(viewer.locale, {
    timeZone: viewer.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const timeOf = (minute: string) => clock.format(new Date(`${minute}:00Z`));
  const xTicks = [...new Set([0, Math.floor((minutes.length - 1) / 2), minutes.length - 1])];
  const n = (v: number) => v.toLocaleString(viewer.locale);
  const bars = minutes.map((m, i) => {
    let base = 0;
    const title = `${timeOf(m)} · ${channels.map((c) => `${name(c)} ${n(at.get(`${m}|${c}`) ?? 0)}`).join(', ')}`;
    const rects = channels.map((c) => {
      const v = at.get(`${m}|${c}`) ?? 0;
      const rect =
        v === 0
          ? ''
          : html`<rect x="${(M.left + i * slot + slot * 0.1).toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${Math.max(1, slot * 0.8).toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" fill="${COLOURS[c] ?? OTHER}" data-channel="${c}"></rect>`;
      base += v;
      return rect;
    });
    return html`<g class="minute" data-minute="${m}"><title>${title}</title>${rects}</g>`;
  });
  const sum = (c: string) => data.filter((d) => d.channel === c).reduce((s, d) => s + d.documents, 0);
  const summary = channels.map((c) => `${name(c)} ${n(sum(c))}`).join(', ');
  return html`<svg id="throughput" role="img" aria-label="${labels.perMinute}: ${summary}" viewBox="0 0 ${String(W)} ${String(H)}" width="${String(W)}" height="${String(H)}" font-size="11">
<g class="y-axis">${ticks.map(
    (v) =>
      html`<line x1="${String(M.left)}" x2="${String(M.left + plotW)}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"></line><text x="${String(M.left - 6)}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${n(v)}</text>`,
  )}<text class="axis-title" transform="translate(14 ${String(M.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${labels.perMinute}</text></g>
${bars}
<g class="x-axis"><line x1="${String(M.left)}" x2="${String(M.left + plotW)}" y1="${String(M.top + plotH)}" y2="${String(M.top + plotH)}" stroke="#333"></line>${xTicks.map(
    (i) =>
      html`<text x="${(M.left + (i + 0.5) * slot).toFixed(1)}" y="${String(M.top + plotH + 16)}" text-anchor="middle">${timeOf(minutes[i]!)}</text>`,
  )}<text class="axis-title" x="${String(M.left + plotW / 2)}" y="${String(H - 6)}" text-anchor="middle">${labels.time} (${viewer.timeZone})</text></g>
<g class="legend">${channels.map(
    (c, i) =>
      html`<rect x="${String(W - M.right + 14)}" y="${String(M.top + i * 20)}" width="12" height="12" fill="${COLOURS[c] ?? OTHER}"></rect><text x="${String(W - M.right + 32)}" y="${String(M.top + i * 20 + 10)}">${name(c)} (${n(sum(c))})</text>`,
  )}</g>
</svg>`;
}
