import { pickLabel } from '../../../rules/index.ts';
import type { Holding } from '../../lookup/holdings.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';

/**
 * The customer's holdings from the latest feeds (src/api/lookup/holdings.ts), one table per feed,
 * headed by the feed's and fields' labels in the agent's language where the data source definition
 * gives them (the field names stay as titles and `data-field`), values as the feed holds them.
 */
export function holdingsCard(t: UiStrings, holdings: readonly Holding[], locale = 'en-GB'): SafeHtml {
  if (holdings.length === 0) return html``;
  return html`<section class="card" id="holdings"><h2>${t.holdings}</h2>${holdings.map(
    (
      h,
    ) => html`<h3 data-feed="${h.feed}" title="${h.datasource} · ${h.feed}">${pickLabel(h.label, locale) ?? `${h.datasource} · ${h.feed}`} <span class="muted">${t.asOf} ${h.asOf}</span></h3>
<table class="holdings" data-feed="${h.feed}"><thead><tr>${h.columns.map((c) => html`<th data-field="${c}" title="${c}">${pickLabel(h.columnLabels[c], locale) ?? c}</th>`)}</tr></thead>
<tbody>${h.rows.map((r) => html`<tr>${h.columns.map((c) => html`<td>${cell(r[c])}</td>`)}</tr>`)}</tbody></table>`,
  )}</section>`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
