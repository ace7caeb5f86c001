import type { RunRecord } from '../store/index.ts';

/** `2026-11-30T14:05:09.123Z` → `2026-11-30 14:05 UTC` (the store's times are UTC; the CLI says so). */
export function utcMinute(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
}

/**
 * `missive runs list` as a table: a header row, then each run with its template version, created and
 * finished times (UTC, named) — columns padded to their widest cell; a superseded run says by which.
 */
export function formatRunList(runs: readonly RunRecord[]): string {
  const header = ['RUN', 'TYPE', 'TEMPLATE VERSION', 'AS OF', 'STATUS', 'CUSTOMERS', 'CREATED', 'FINISHED'];
  const rows = runs.map((r) => [
    r.id,
    r.communicationType,
    r.templateVersionId,
    r.asOf,
    r.supersededBy ? `${r.status} (superseded by ${r.supersededBy})` : r.status,
    r.customersTotal === null ? '—' : r.customersTotal.toLocaleString('en-GB'),
    utcMinute(r.createdAt),
    utcMinute(r.finishedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
