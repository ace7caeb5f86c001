import type { CampaignReport, Interval, OfferSegmentRow } from '../../../feedback/index.ts';
import type { RunRecord } from '../../../store/index.ts';
import { NO_CATALOG_LABELS, type PageLabels } from '../../lookup/page-labels.ts';
import { html, type SafeHtml } from '../html.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';
import { typeCell } from './catalog-names.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const range = (i: Interval) => `${pct(i.low)}–${pct(i.high)}`;

/** Runs with a link to each one's model validation report. */
export function reportsPage(
  ctx: PageContext,
  runs: RunRecord[],
  labels: PageLabels = NO_CATALOG_LABELS,
): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.reports,
    html`<h1>${t.reports}</h1>
${
  runs.length === 0
    ? html`<p>${t.reportNoRuns}</p>`
    : html`<table id="runs"><thead><tr><th>${t.reportRun}</th><th>${t.reportType}</th><th>${t.reportCreated}</th></tr></thead><tbody>
${runs.map((r) => html`<tr><td><a href="/ui/reports/campaign/${r.id}">${r.id}</a></td><td>${typeCell(r.communicationType, ctx.locale, labels)}</td><td>${formatTime(r.createdAt, ctx)}</td></tr>`)}
</tbody></table>`
}`,
  );
}

/**
 * One row's response rate as a bar with its 95 % interval as a whisker and the prior mean as a tick,
 * drawn as inline SVG (no script, no inline style: the UI's CSP allows neither).
 */
function rateChart(row: OfferSegmentRow, scale: number): SafeHtml {
  const w = 220;
  const x = (v: number) => Math.round((Math.min(v, scale) / scale) * w * 10) / 10;
  const prior =
    row.priorMean === null
      ? ''
      : html`<line x1="${x(row.priorMean)}" x2="${x(row.priorMean)}" y1="1" y2="15" stroke="#c2410c" stroke-width="2"><title>prior ${pct(row.priorMean)}</title></line>`;
  return html`<svg class="rate" width="${w}" height="16" viewBox="0 0 ${w} 16" role="img" aria-label="${pct(row.rate)} (${range(row.interval)})"><rect x="0" y="4" width="${x(row.rate)}" height="8" fill="${row.contradicts ? '#b91c1c' : '#0b3d6e'}"></rect><line x1="${x(row.interval.low)}" x2="${x(row.interval.high)}" y1="8" y2="8" stroke="#1f2933" stroke-width="1"></line>${prior}</svg>`;
}

/** The model validation report of a run (src/feedback/reports.ts) with its charts. */
export function campaignReportPage(
  ctx: PageContext,
  report: CampaignReport,
  labels: PageLabels = NO_CATALOG_LABELS,
): SafeHtml {
  const { t } = ctx;
  const { treated, holdout, test } = report.lift;
  const scale = Math.max(0.05, ...report.offers.map((r) => Math.max(r.interval.high, r.priorMean ?? 0)));
  return page(
    ctx,
    `${t.reports} · ${report.runId}`,
    html`<h1>${t.reports}</h1>
<p>${t.reportRun} <code>${report.runId}</code> · ${t.reportType} ${typeCell(report.communicationType, ctx.locale, labels)} · ${t.reportModel} <code>${report.modelVersion}</code></p>
<section class="card"><h2>${t.reportLift}</h2>
<table id="lift"><thead><tr><th></th><th>${t.reportExposures}</th><th>${t.reportSuccesses}</th><th>${t.reportResponse}</th></tr></thead><tbody>
<tr><td>${t.reportTreated}</td><td>${treated.customers}</td><td>${treated.converted}</td><td>${pct(treated.rate)} (${range(treated.interval)})</td></tr>
<tr><td>${t.reportHoldout}</td><td>${holdout.customers}</td><td>${holdout.converted}</td><td>${pct(holdout.rate)} (${range(holdout.interval)})</td></tr>
</tbody></table>
<p>${t.reportSignificance}: Δ = ${pct(test.difference)}, z = ${test.z.toFixed(2)}, p = ${test.pValue < 0.0001 ? '< 0.0001' : test.pValue.toFixed(4)}</p></section>
<section class="card"><h2>${t.reportOffers}</h2>
<table id="offers"><thead><tr><th>${t.reportOffer}</th><th>${t.reportSegment}</th><th>${t.reportExposures}</th><th>${t.reportSuccesses}</th><th>${t.reportResponse}</th><th>${t.reportPrior}</th><th></th></tr></thead><tbody>
${report.offers.map(
  (r) =>
    html`<tr class="${r.contradicts ? 'contradicts' : ''}"><td>${r.offerId}</td><td>${r.segment}</td><td>${r.exposures}</td><td>${r.successes}</td><td>${pct(r.rate)} (${range(r.interval)})</td><td>${r.priorMean === null ? '—' : pct(r.priorMean)}</td><td>${rateChart(r, scale)}</td></tr>`,
)}
</tbody></table></section>
<section class="card"><h2>${t.reportContradictions}</h2>
${report.contradictions.length === 0 ? html`<p>${t.reportNone}</p>` : html`<ul id="contradictions">${report.contradictions.map((c) => html`<li>${c}</li>`)}</ul>`}
</section>
<section class="card"><h2>${t.reportRanking}</h2>
${
  report.rankingChanges.length === 0
    ? html`<p>${t.reportNone}</p>`
    : html`<table id="ranking"><thead><tr><th>${t.reportSegment}</th><th>${t.reportPrior}</th><th>${t.reportModel}</th></tr></thead><tbody>
${report.rankingChanges.map((c) => html`<tr><td>${c.segment}</td><td>${c.prior.join(' › ')}</td><td>${c.current.join(' › ')}</td></tr>`)}
</tbody></table>`
}
</section>`,
  );
}
