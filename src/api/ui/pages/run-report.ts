import type { RunReport } from '../../../batch/run-report.ts';
import type { RunRecord } from '../../../store/runs.ts';
import { html, type SafeHtml } from '../html.ts';
import { type PageContext, page } from '../layout.ts';

/** Runs, newest first, each linking to its report. */
export function runsPage(ctx: PageContext, runs: RunRecord[]): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.runs,
    html`<h1>${t.runs}</h1>
<table id="runs"><thead><tr><th>id</th><th>type</th><th>as of</th><th>status</th><th>${t.customersIn}</th></tr></thead><tbody>
${runs.map((r) => html`<tr><td><a href="/ui/runs/${r.id}">${r.id}</a></td><td>${r.communicationType}</td><td>${r.asOf}</td><td>${r.status}</td><td>${String(r.customersTotal ?? '?')}</td></tr>`)}
</tbody></table>`,
  );
}

/** The run report (the same data as `missive runs report --json`), with a throughput chart in SVG. */
export function runReportPage(ctx: PageContext, r: RunReport): SafeHtml {
  const { t } = ctx;
  const rec = r.reconciliation;
  const statuses = [
    'sent',
    'bounced',
    'suppressed',
    'unknown',
    'failed',
    'archived',
    'pending',
    'sending',
  ] as const;
  return page(
    ctx,
    t.runReport,
    html`<h1>${t.runReport}</h1>
<p><code>${r.runId}</code> · ${r.communicationType} · <code id="template">${r.templateVersionId}</code> · ${r.asOf} · <strong>${r.status}</strong></p>
<h2>${t.reconciliation}: <span id="reconciled" class="${rec.balanced ? 'ok' : 'error'}">${rec.balanced ? t.balanced : t.notBalanced}</span></h2>
${rec.problems.length > 0 ? html`<div class="alert error" role="alert">${rec.problems.join('; ')}</div>` : ''}
<p id="source">${t.runSource}: ${r.input ? html`${r.input.file} · ${String(r.input.rows)} · ${String(r.input.rejected)} ${t.refusedAtInput}` : r.source}</p>
<p>${t.customersIn}: ${String(rec.customersIn)} · ${String(rec.customersNotProcessed)} ${t.notProcessed}</p>
<table id="channels"><thead><tr><th>${t.channel}</th><th>in</th>${statuses.map((s) => html`<th>${s}</th>`)}</tr></thead><tbody>
${rec.channels.map((c) => html`<tr><td>${c.channel}</td><td>${String(c.in)}</td>${statuses.map((s) => html`<td>${String(c.counts[s])}</td>`)}</tr>`)}
</tbody></table>
<h2>${t.suppressions}</h2>
<ul>${Object.entries(r.suppressions).map(([reason, n]) => html`<li>${reason}: ${String(n)}</li>`)}</ul>
<h2>${t.offersBySegment}</h2>
<p>${t.holdout}: ${String(r.holdout)} / ${String(r.decisions)}</p>
<ul>${Object.entries(r.offersBySegment).map(
      ([segment, offers]) =>
        html`<li>${segment}: ${Object.entries(offers)
          .map(([id, n]) => `${id} ${n}`)
          .join(', ')}</li>`,
    )}</ul>
<p>${t.printed}: ${r.print ? `${r.print.files} files, ${r.print.documents} documents, ${r.print.pages} pages, ${r.print.sheets} sheets` : '—'}</p>
<p>${t.archivedBytes}: ${String(r.pagesArchived)} pages, ${(r.bytesArchived / 1024 / 1024).toFixed(1)} MiB</p>
<p>${t.wallTime}: ${r.wallTimeMs === null ? '—' : `${(r.wallTimeMs / 1000).toFixed(1)} s, ${r.customersPerSecond?.toFixed(1) ?? '?'} /s`}</p>
<h2>${t.throughput}</h2>
${throughputChart(r.perMinute)}`,
  );
}

/** Bars per minute as inline SVG: no script, so the UI's content security policy holds. */
function throughputChart(perMinute: RunReport['perMinute']): SafeHtml {
  if (perMinute.length === 0) return html`<p>—</p>`;
  const max = Math.max(...perMinute.map((p) => p.rows));
  const width = 12;
  const height = 120;
  return html`<svg id="throughput" role="img" width="${String(perMinute.length * width)}" height="${String(height + 20)}" viewBox="0 0 ${String(perMinute.length * width)} ${String(height + 20)}">
${perMinute.map((p, i) => {
  const h = Math.max(1, Math.round((p.rows / max) * height));
  return html`<rect x="${String(i * width + 1)}" y="${String(height - h)}" width="${String(width - 2)}" height="${String(h)}" fill="currentColor"><title>${p.minute}: ${String(p.rows)}</title></rect>`;
})}
</svg>`;
}
