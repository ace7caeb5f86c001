import type { RunReport } from '../../../batch/index.ts';
import type { RunStatus } from '../../../core/types.ts';
import type { MinuteCount, RunFailure, RunRecord } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { NO_CATALOG_LABELS, type PageLabels } from '../../lookup/page-labels.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';
import { reconciliationProblem } from '../i18n/reconciliation-problems.ts';
import { statusLabel } from '../i18n/status-labels.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';
import { offerCell, typeCell } from './catalog-names.ts';
import { throughputChart } from './throughput-chart.ts';

/** What a run's buttons do, in the order they are shown; the statuses each is allowed from (batch/run-control.ts). */
export const RUN_CONTROLS = [
  { action: 'pause', from: ['planning', 'running'] },
  { action: 'resume', from: ['paused'] },
  { action: 'retry-failed', from: ['completed', 'failed', 'paused'] },
  { action: 'cancel', from: ['planning', 'running', 'paused'] },
] as const satisfies readonly { action: string; from: readonly RunStatus[] }[];

export type RunAction = (typeof RUN_CONTROLS)[number]['action'];

/** While a run is going its page refreshes itself (no script: the CSP stays `default-src 'self'`). */
const LIVE: readonly RunStatus[] = ['planning', 'running'];

/** May this viewer steer runs? The roles of the JSON API's control routes, signed in with a session (CSRF). */
export function canControlRuns(ctx: PageContext): boolean {
  const p = ctx.principal;
  return (
    p !== undefined && p.via === 'session' && (ROUTE_ROLES.marketer as readonly string[]).includes(p.role)
  );
}

/** Runs, newest first: a header row, template version, created and finished in the viewer's zone. */
export function runsPage(
  ctx: PageContext,
  runs: RunRecord[],
  labels: PageLabels = NO_CATALOG_LABELS,
): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.runs,
    html`<h1>${t.runs}</h1>
<table id="runs"><thead><tr><th>${t.runReport}</th><th>${t.type}</th><th>${t.runTemplateVersion}</th><th>${t.asOf}</th><th>${t.status}</th><th>${t.customersIn}</th><th>${t.runCreated}</th><th>${t.runFinished}</th></tr></thead><tbody>
${runs.map(
  (r) =>
    html`<tr data-run="${r.id}"><td><a href="/ui/runs/${encodeURIComponent(r.id)}">${r.id}</a></td><td>${typeCell(r.communicationType, ctx.locale, labels)}</td><td><code>${r.templateVersionId}</code></td><td>${r.asOf}</td><td class="status" data-status="${r.status}">${t[`runStatus.${r.status}`]}${r.supersededBy ? html` <span class="superseded">${t.supersededBy} ${r.supersededBy}</span>` : ''}</td><td>${String(r.customersTotal ?? '—')}</td><td>${formatTime(r.createdAt, ctx)}</td><td>${formatTime(r.finishedAt, ctx)}</td></tr>`,
)}
</tbody></table>`,
  );
}

export interface RunPageData {
  report: RunReport;
  run: RunRecord;
  throughput: MinuteCount[];
  failures: {
    /** The first of the filtered list, as shown. */
    shown: RunFailure[];
    /** How many pass the filter. */
    total: number;
    /** How many failures the run has, unfiltered. */
    all: number;
    stages: string[];
    codes: string[];
  };
  filter: { stage?: string | undefined; code?: string | undefined };
  /** The action just done (after a button's redirect). */
  done?: string | undefined;
  /** Communication types and offers by their catalog labels (default: by id). */
  labels?: PageLabels | undefined;
}

/** The run report (the same data as `missive runs report --json`), its controls, live progress and failures. */
export function runReportPage(ctx: PageContext, d: RunPageData): SafeHtml {
  const { t } = ctx;
  const r = d.report;
  const rec = r.reconciliation;
  const live = LIVE.includes(r.status);
  const labels = d.labels ?? NO_CATALOG_LABELS;
  return page(
    ctx,
    t.runReport,
    html`<h1>${t.runReport}</h1>
<p><code id="run-id">${r.runId}</code> · ${typeCell(r.communicationType, ctx.locale, labels)} · <code id="template">${r.templateVersionId}</code> · ${t.asOf} ${r.asOf} · <strong id="status" data-status="${r.status}">${t[`runStatus.${r.status}`]}</strong></p>
${d.done ? html`<div class="alert ok" role="status" id="done">${t.runDone}: ${d.done} → ${t[`runStatus.${r.status}`]}</div>` : ''}
<p id="times">${t.runCreated} ${formatTime(d.run.createdAt, ctx)} · ${t.runStarted} ${formatTime(r.startedAt, ctx)} · ${t.runFinished} ${formatTime(r.finishedAt, ctx)}</p>
${progressFigure(ctx, rec.customersIn, rec.customersAccounted, live)}
${controls(ctx, r.runId, r.status, d.failures.all)}
<h2>${t.reconciliation}: <span id="reconciled" class="${rec.balanced ? 'ok' : 'error'}">${rec.balanced ? t.balanced : t.notBalanced}</span></h2>
${rec.problems.length > 0 ? html`<div class="alert error" role="alert">${rec.problems.map((p) => reconciliationProblem(ctx.locale, p)).join('; ')}</div>` : ''}
<p id="source">${t.runSource}: ${r.input ? html`${r.input.file} · ${String(r.input.rows)} · ${String(r.input.rejected)} ${t.refusedAtInput}` : r.source}</p>
<p>${t.customersIn}: ${String(rec.customersIn)} · ${String(rec.customersNotProcessed)} ${t.notProcessed}</p>
${channelTable(ctx, r)}
<h2>${t.throughput}</h2>
${throughputChart(d.throughput, ctx, { perMinute: t.chartPerMinute, time: t.chartTime, channel: (c) => t[`channel.${c}` as keyof UiStrings] ?? c })}
<p>${t.wallTime}: ${r.wallTimeMs === null ? '—' : `${(r.wallTimeMs / 1000).toFixed(1)} s, ${r.customersPerSecond?.toFixed(1) ?? '?'} /s`}</p>
${failuresSection(ctx, d)}
<h2>${t.suppressions}</h2>
<ul>${Object.entries(r.suppressions).map(([reason, n]) => html`<li>${reason}: ${String(n)}</li>`)}</ul>
<h2>${t.offersBySegment}</h2>
<p>${t.holdout}: ${String(r.holdout)} / ${String(r.decisions)}</p>
<ul>${Object.entries(r.offersBySegment).map(
      ([segment, offers]) =>
        html`<li>${segment}: ${Object.entries(offers).map(
          ([id, n], i) => html`${i > 0 ? ', ' : ''}${offerCell(id, ctx.locale, labels)} ${String(n)}`,
        )}</li>`,
    )}</ul>
<p>${t.printed}: ${r.print ? `${r.print.files} files, ${r.print.documents} documents, ${r.print.pages} pages, ${r.print.sheets} sheets` : '—'}</p>
<p>${t.archivedBytes}: ${String(r.pagesArchived)} pages, ${(r.bytesArchived / 1024 / 1024).toFixed(1)} MiB</p>`,
    live ? { refreshSeconds: 5 } : {},
  );
}

function progressFigure(ctx: PageContext, total: number, done: number, live: boolean): SafeHtml {
  const { t } = ctx;
  const share = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  return html`<section id="progress" aria-live="polite"><h2>${t.runProgress}</h2>
<p><progress max="${String(Math.max(1, total))}" value="${String(Math.min(done, total))}"></progress> <strong id="progress-figure">${done.toLocaleString(ctx.locale)} / ${total.toLocaleString(ctx.locale)}</strong> ${t.runCustomersDone} (${String(share)}%)</p>
${live ? html`<p class="muted">${t.runLive}</p>` : ''}</section>`;
}

/** The buttons the run's status allows, for the roles that may use them; each a CSRF-protected form. */
function controls(ctx: PageContext, runId: string, status: RunStatus, failures: number): SafeHtml {
  if (!canControlRuns(ctx)) return html``;
  const { t } = ctx;
  const label: Record<RunAction, string> = {
    pause: t.runPause,
    resume: t.runResume,
    'retry-failed': t.runRetryFailed,
    cancel: t.runCancel,
  };
  const allowed = RUN_CONTROLS.filter(
    (c) => (c.from as readonly RunStatus[]).includes(status) && (c.action !== 'retry-failed' || failures > 0),
  );
  if (allowed.length === 0) return html``;
  return html`<section id="controls"><h2>${t.runControl}</h2><div class="actions">${allowed.map(
    (c) =>
      html`<form method="post" action="/ui/runs/${encodeURIComponent(runId)}/${c.action}"><input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}"><button type="submit" name="action" value="${c.action}" data-action="${c.action}">${label[c.action]}</button></form>`,
  )}</div></section>`;
}

function channelTable(ctx: PageContext, r: RunReport): SafeHtml {
  const { t } = ctx;
  const statuses = [
    'sent',
    'bounced',
    'suppressed',
    'unknown',
    'failed',
    'archived',
    'pending',
    'sending',
    'in_print_file',
    'printed',
    'mailed',
    'spoiled',
  ] as const;
  return html`<table id="channels"><thead><tr><th>${t.channel}</th><th>${t.runIn}</th>${statuses.map((s) => html`<th data-status="${s}">${s === 'bounced' ? t['event.bounced'] : statusLabel(ctx.locale, s)}</th>`)}</tr></thead><tbody>
${r.reconciliation.channels.map((c) => html`<tr><td data-channel="${c.channel}">${t[`channel.${c.channel}` as keyof UiStrings] ?? c.channel}</td><td>${String(c.in)}</td>${statuses.map((s) => html`<td>${String(c.counts[s])}</td>`)}</tr>`)}
</tbody></table>`;
}

/** The failure list with filters by stage and code (a GET form: the filter is in the URL). */
function failuresSection(ctx: PageContext, d: RunPageData): SafeHtml {
  const { t } = ctx;
  const f = d.failures;
  const option = (value: string, chosen: string | undefined) =>
    html`<option value="${value}"${value === (chosen ?? '') ? html` selected` : ''}>${value || t.runAny}</option>`;
  const filters = html`<form method="get" action="#failures" class="filters">
<label>${t.runStage} <select name="stage">${['', ...f.stages].map((s) => option(s, d.filter.stage))}</select></label>
<label>${t.runCode} <select name="code">${['', ...f.codes].map((c) => option(c, d.filter.code))}</select></label>
<button type="submit">${t.runFilter}</button></form>`;
  const rows = f.shown.map(
    (x) =>
      html`<tr data-stage="${x.stage}" data-code="${x.code}"><td>${x.customerId ?? ''}</td><td>${x.stage}</td><td>${x.code}</td><td>${x.reason}</td><td>${x.line === null || x.line === undefined ? '' : String(x.line)}${x.field ? ` ${x.field}` : ''}</td><td>${formatTime(x.at, ctx)}</td></tr>`,
  );
  return html`<section id="failures"><h2>${t.runFailures} (${String(f.all)})</h2>
${
  f.all === 0
    ? html`<p>${t.runNoFailures}</p>`
    : html`${filters}
<p class="muted">${t.runShowing} ${String(f.shown.length)} ${t.runOf} ${String(f.total)}</p>
<table id="failure-list"><thead><tr><th>${t.customerId}</th><th>${t.runStage}</th><th>${t.runCode}</th><th>${t.runReason}</th><th>${t.runLine}</th><th>${t.when}</th></tr></thead><tbody>${rows}</tbody></table>`
}</section>`;
}
