import type { RunReport } from './run-report.ts';

/** The run report as text for the terminal (the same data as `--json` and the API). */
export function formatRunReport(r: RunReport): string {
  const rec = r.reconciliation;
  const lines = [
    `run ${r.runId}: ${r.communicationType} as of ${r.asOf}, ${r.status}${r.generation > 0 ? ` (planned ${r.generation + 1} times)` : ''}`,
    ...(r.status === 'failed'
      ? [
          `  failed            no document was made: every customer failed (missive runs failures ${r.runId}; missive runs retry-failed ${r.runId} once the cause is fixed)`,
        ]
      : []),
    r.input
      ? `  source            ${r.input.file}: ${r.input.rows} rows, ${r.input.rejected} refused at input (listed with their lines in \`missive runs show\`)`
      : `  source            ${r.source === 'store:all' ? 'every customer in the store' : r.source}`,
    `  template          ${r.templateVersionId}`,
    `  customers in      ${rec.customersIn}; accounted ${rec.customersAccounted}; not processed ${rec.customersNotProcessed}`,
    `  reconciliation    ${rec.balanced ? 'balanced' : `NOT BALANCED: ${rec.problems.join('; ')}`}`,
  ];
  for (const c of rec.channels) {
    const parts = Object.entries(c.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`);
    lines.push(
      `  ${c.channel.padEnd(17)} in ${c.in} = ${parts.join(' + ') || '0'}${c.balanced ? '' : '  (does not add up)'}`,
    );
  }
  const duplicates = possibleDuplicatesLine(r.possibleDuplicates);
  if (duplicates) lines.push(`  possible dupes    ${duplicates}`);
  const suppressions = Object.entries(r.suppressions);
  if (suppressions.length > 0)
    lines.push(`  suppressed by     ${suppressions.map(([reason, n]) => `${reason}: ${n}`).join('; ')}`);
  if (r.failures.length > 0)
    lines.push(`  failures          ${r.failures.map((f) => `${f.stage}/${f.code}: ${f.count}`).join('; ')}`);
  if (r.decisions > 0) {
    const notSent = Object.entries(r.suppressedByRule ?? {}).map(([rule, n]) => `${rule} ${n}`);
    lines.push(
      `  decisions         ${r.decisions}; holdout ${r.holdout}${notSent.length > 0 ? `; not sent: ${notSent.join(', ')}` : ''}`,
    );
    for (const [segment, offers] of Object.entries(r.offersBySegment).sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const list = Object.entries(offers)
        .sort(([, a], [, b]) => b - a)
        .map(([id, n]) => `${id} ${n}`);
      if (list.length > 0) lines.push(`    offers in ${segment}: ${list.join(', ')}`);
    }
  }
  lines.push(
    `  archived          ${r.pagesArchived} pages, ${r.bytesArchived} bytes (${(r.bytesArchived / 1024 / 1024).toFixed(1)} MiB)`,
  );
  lines.push(
    r.print
      ? `  printed           ${r.print.files} files, ${r.print.documents} documents, ${r.print.pages} pages (${r.print.physicalPages} printed), ${r.print.sheets} sheets, ${r.print.envelopes} envelopes`
      : '  printed           no print streams yet (missive print-streams)',
  );
  if (r.wallTimeMs !== null)
    lines.push(
      `  wall time         ${(r.wallTimeMs / 1000).toFixed(1)} s; ${r.customersPerSecond?.toFixed(1) ?? '?'} customers/s`,
    );
  return `${lines.join('\n')}\n`;
}

/** "1 possible duplicate: resent after an interrupted send (email 1)", or '' when there is none. */
export function possibleDuplicatesLine(byChannel: Record<string, number> | undefined): string {
  const entries = Object.entries(byChannel ?? {}).filter(([, n]) => n > 0);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return '';
  const where = entries.map(([channel, n]) => `${channel} ${n}`).join(', ');
  return `${total} possible duplicate${total === 1 ? '' : 's'}: resent after an interrupted send (${where})`;
}
