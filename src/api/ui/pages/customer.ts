import { randomUUID } from 'node:crypto';
import { CHANNEL_KINDS } from '../../../core/types.ts';
import { CALL_OUTCOMES } from '../../lookup/customer-actions.ts';
import type { CustomerView } from '../../lookup/customer-view.ts';
import type { Holding } from '../../lookup/holdings.ts';
import { NO_CATALOG_LABELS, type PageLabels } from '../../lookup/page-labels.ts';
import type { TimelineCommunication, TimelineEvent } from '../../lookup/timeline.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';
import { statusLabel } from '../i18n/status-labels.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime, type Viewer } from '../time.ts';
import { typeCell } from './catalog-names.ts';
import { copyOfLink } from './copy-forms.ts';
import { correctionLinks } from './correction-form.ts';
import { holdingsCard } from './holdings.ts';
import { letterStrings } from './letter-form.ts';

/** Traits shown first when present; the rest follow, up to a screenful. */
const KEY_TRAITS = ['segment', 'age', 'job', 'balance', 'marital', 'education', 'housing', 'loan', 'default'];
const MAX_TRAITS = 8;

export function customerPage(
  ctx: PageContext,
  customer: CustomerView,
  timeline: { communications: TimelineCommunication[]; events: TimelineEvent[] },
  holdings: readonly Holding[] = [],
  labels: PageLabels = NO_CATALOG_LABELS,
): SafeHtml {
  const { t } = ctx;
  const yes = (b: boolean) => (b ? t.yes : t.no);
  const traits = Object.entries(customer.traits)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, MAX_TRAITS);
  const summary = html`<div class="grid3">
<section class="card"><h2>${customer.name}</h2><dl class="kv">
  <dt>${t.customerId}</dt><dd id="customer-id">${customer.id}</dd>
  <dt>${t.phone}</dt><dd>${customer.phone ?? '—'}</dd>
  <dt>${t.email}</dt><dd>${customer.email ?? '—'}</dd>
  <dt>${t.city}</dt><dd>${[customer.city, customer.country].filter(Boolean).join(', ') || '—'}</dd>
  <dt>${t.locale}</dt><dd>${customer.locale} · ${customer.timeZone}</dd>
  <dt>${t.accounts}</dt><dd>${customer.accounts.join(', ') || '—'}</dd>
</dl></section>
<section class="card"><h2>${t.keyTraits}</h2><dl class="kv">${traits.map(([k, v]) => html`<dt data-trait="${k}" title="${k}">${capitalised(labels.trait(k, ctx.locale), ctx.locale)}</dt>${traitValueCell(k, v, ctx.locale, labels, t)}`)}</dl></section>
<section class="card"><h2>${t.consent}</h2><table><thead><tr><th>${t.channel}</th><th>${t.service}</th><th>${t.marketing}</th></tr></thead><tbody>
${CHANNEL_KINDS.map((ch) => html`<tr><td>${t[`channel.${ch}`]}</td><td>${yes(customer.consent[ch]?.service ?? false)}</td><td>${yes(customer.consent[ch]?.marketing ?? false)}</td></tr>`)}
</tbody></table><p>${t.eDelivery}: ${yes(customer.eDelivery)}</p></section>
</div>`;
  const csrf = ctx.principal?.csrfToken ?? '';
  const actions = html`<div class="grid2">${preferencesForm(t, customer, csrf)}${noteForm(t, customer.id, csrf)}</div>`;
  const letter = html`<p><a id="new-letter" href="/ui/customers/${encodeURIComponent(customer.id)}/letters/new">${letterStrings(ctx.locale).newLetter}</a></p>`;
  return page(
    ctx,
    customer.name,
    html`${summary}${holdingsCard(t, holdings, ctx.locale)}${actions}${letter}<h2 id="timeline-title">${t.timeline}</h2>${timelineTable(t, customer.id, timeline, ctx, labels)}`,
  );
}

/** The customer's contact preferences as a form: marketing per channel, paperless, do not contact. */
function preferencesForm(t: UiStrings, customer: CustomerView, csrf: string): SafeHtml {
  const id = encodeURIComponent(customer.id);
  const checked = (b: boolean) => (b ? html` checked` : '');
  return html`<section class="card"><h2>${t.contactPreferences}</h2>
<form class="stack" method="post" action="/ui/customers/${id}/preferences" id="preferences">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <fieldset><legend>${t.marketingConsent}</legend>
  ${CHANNEL_KINDS.map((ch) => html`<label><input type="checkbox" name="marketing_${ch}"${checked(customer.consent[ch]?.marketing ?? false)}> ${t[`channel.${ch}`]}</label>`)}
  </fieldset>
  <label><input type="checkbox" name="eDelivery"${checked(customer.eDelivery)}> ${t.paperless}</label>
  <label><input type="checkbox" name="doNotContact"> ${t.doNotContact}</label>
  <label>${t.customerReason} <input name="reason" required maxlength="500"></label>
  <button type="submit">${t.savePreferences}</button>
</form></section>`;
}

function noteForm(t: UiStrings, customerId: string, csrf: string): SafeHtml {
  const id = encodeURIComponent(customerId);
  return html`<section class="card"><h2>${t.callNote}</h2>
<form class="stack" method="post" action="/ui/customers/${id}/notes" id="call-note">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <label>${t.noteText} <textarea name="text" required maxlength="2000" rows="3"></textarea></label>
  <label>${t.callOutcome} <select name="outcome"><option value=""></option>${CALL_OUTCOMES.map((o) => html`<option value="${o}">${t[`callOutcome.${o}`]}</option>`)}</select></label>
  <button type="submit">${t.saveNote}</button>
</form></section>`;
}

/** A trait's value by the catalog's label for it, the stored value kept as a title and data attribute. */
function traitValueCell(
  name: string,
  value: unknown,
  locale: string,
  labels: PageLabels,
  t: Pick<UiStrings, 'yes' | 'no'>,
): SafeHtml {
  // A true/false trait the catalog does not name reads as the page's own yes/no in the agent's language.
  const label =
    labels.traitValue(name, value, locale) ??
    (typeof value === 'boolean' ? (value ? t.yes : t.no) : undefined);
  if (label === undefined) return html`<dd>${String(value)}</dd>`;
  return html`<dd data-value="${String(value)}" title="${String(value)}">${label}</dd>`;
}

/** A label as a heading: "age" → "Age" (labels are written to read inside sentences too). */
function capitalised(label: string, locale: string): string {
  return label.charAt(0).toLocaleUpperCase(locale) + label.slice(1);
}

function rank(trait: string): number {
  const i = KEY_TRAITS.indexOf(trait);
  return i < 0 ? KEY_TRAITS.length : i;
}

type Row = { at: string; html: SafeHtml };

function timelineTable(
  t: UiStrings,
  customerId: string,
  timeline: { communications: TimelineCommunication[]; events: TimelineEvent[] },
  viewer: Viewer,
  labels: PageLabels,
): SafeHtml {
  if (timeline.communications.length === 0 && timeline.events.length === 0) {
    return html`<p class="muted">${t.noCommunications}</p>`;
  }
  const id = encodeURIComponent(customerId);
  const correctedBy = new Map<string, string[]>();
  for (const c of timeline.communications) {
    if (c.copyKind === 'correction' && c.copyOf)
      correctedBy.set(c.copyOf, [...(correctedBy.get(c.copyOf) ?? []), c.id]);
  }
  const rows: Row[] = [
    ...timeline.communications.map((c) => ({
      at: c.createdAt,
      html: html`<tr class="communication" data-id="${c.id}"><td>${formatTime(c.createdAt, viewer)}</td><td data-channel="${c.channel}">${t[`channel.${c.channel}`]}</td><td>${typeCell(c.type, viewer.locale, labels)}${c.asOf ? html` <span class="muted">${t.asOf} ${c.asOf}</span>` : ''}${c.supersededBy ? html` <span class="superseded" title="${c.supersededBy}">${t.supersededBy} ${c.supersededBy}</span>` : ''}${correctionLinks(viewer.locale, customerId, c.copyKind === 'correction' ? c.copyOf : null, correctedBy.get(c.id) ?? [])}</td><td data-status="${c.status}">${statusLabel(viewer.locale, c.status)}${copyOfLink(viewer.locale, customerId, c) ?? reasonNote(c, viewer.locale, labels)}${providerReports(t, c.providerEvents, viewer)}</td><td>${offerList(c.offers, viewer.locale, labels)}</td><td>${c.sha256 ? html`<a href="/ui/customers/${id}/communications/${encodeURIComponent(c.id)}">${t.open}</a>` : ''}</td></tr>`,
    })),
    ...timeline.events.map((e) => ({ at: e.occurredAt, html: eventRow(t, e, viewer, labels) })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return html`<table id="timeline"><thead><tr><th>${t.date} (${viewer.timeZone})</th><th>${t.channel}</th><th>${t.type}</th><th>${t.status}</th><th>${t.offers}</th><th></th></tr></thead><tbody>${rows.map((r) => r.html)}</tbody></table>`;
}

/** Offers by their names in the catalog, each with its id as a title and data attribute. */
function offerList(offers: readonly string[], locale: string, labels: PageLabels): SafeHtml[] {
  return offers.map(
    (o, i) =>
      html`${i > 0 ? ', ' : ''}<span class="offer" data-offer="${o}" title="${o}">${labels.offer(o, locale) ?? o}</span>`,
  );
}

/** Why a message was not sent or failed: a suppression in the agent's words, else the stored text. */
function reasonNote(c: TimelineCommunication, locale: string, labels: PageLabels): SafeHtml | string {
  if (!c.reason) return '';
  const said =
    c.status === 'suppressed' && /^zh/i.test(locale) ? labels.suppression(c.reason, locale) : undefined;
  return said
    ? html` <span class="muted reason" data-stored-reason="${c.reason}">${said}</span>`
    : html` <span class="muted reason">${c.reason}</span>`;
}

/**
 * A provider's reports on a message, folded into its row: the latest as a line, all of them (newest
 * first, with time, source and code) in a small disclosure under it.
 */
function providerReports(t: UiStrings, events: readonly TimelineEvent[], viewer: Viewer): SafeHtml | string {
  const [latest] = events;
  if (!latest) return '';
  const label = (e: TimelineEvent) => t[`event.${e.type}` as keyof UiStrings] ?? e.type;
  const code = (e: TimelineEvent) =>
    typeof e.payload.errorCode === 'string'
      ? html` <code>${e.payload.errorCode}</code>`
      : typeof e.payload.code === 'string'
        ? html` <code>${e.payload.code}</code>`
        : '';
  return html`<details class="provider-events"><summary>${t.providerLatest}: <strong data-provider-status="${latest.type}">${label(latest)}</strong> <span class="muted">${formatTime(latest.occurredAt, viewer)}</span></summary><ol>${events.map((e) => html`<li data-type="${e.type}">${formatTime(e.occurredAt, viewer, { seconds: true })} · ${t[`source.${e.source}` as keyof UiStrings] ?? e.source} · ${label(e)}${code(e)}</li>`)}</ol></details>`;
}

export function eventRow(
  t: UiStrings,
  e: TimelineEvent,
  viewer: Viewer = { locale: 'en-GB', timeZone: 'UTC' },
  labels: PageLabels = NO_CATALOG_LABELS,
): SafeHtml {
  const p = e.payload;
  const outcome =
    typeof p.outcome === 'string' ? (t[`outcome.${p.outcome}` as keyof UiStrings] ?? p.outcome) : '';
  const known = t[`event.${e.type}` as keyof UiStrings];
  const label =
    e.type === 'disposition'
      ? html`<strong>${t.response}: ${outcome}</strong>`
      : e.type === 'call-note' && typeof p.outcome === 'string'
        ? html`<strong>${known}: ${t[`callOutcome.${p.outcome}` as keyof UiStrings] ?? p.outcome}</strong>`
        : e.type === 'consent-changed'
          ? html`<strong>${known}</strong> ${preferenceSummary(t, p)}`
          : html`<strong>${known ?? e.type}</strong>`;
  const note = typeof p.note === 'string' ? html` — ${p.note}` : '';
  const by = typeof p.agent === 'string' ? p.agent : typeof p.actor === 'string' ? p.actor : undefined;
  const agent = by ? html` <span class="muted">(${t.recordedBy} ${by})</span>` : '';
  const reason = typeof p.reason === 'string' ? html` — ${p.reason}` : '';
  return html`<tr class="event" data-type="${e.type}"><td>${formatTime(e.occurredAt, viewer)}</td><td data-source="${e.source}">${t[`source.${e.source}` as keyof UiStrings] ?? e.source}</td><td colspan="2">${label}${note}${reason}${agent}</td><td>${e.offerId ? offerList([e.offerId], viewer.locale, labels) : ''}</td><td></td></tr>`;
}

/** What a preference change changed: "email marketing: no, paperless: yes". */
function preferenceSummary(t: UiStrings, payload: Record<string, unknown>): SafeHtml {
  type Prefs = { consent?: Record<string, { marketing?: boolean; service?: boolean }>; eDelivery?: boolean };
  const before = (payload.before ?? {}) as Prefs;
  const after = (payload.after ?? {}) as Prefs;
  const yes = (b: boolean | undefined) => (b ? t.yes : t.no);
  const parts: string[] = [];
  for (const ch of CHANNEL_KINDS) {
    const was = before.consent?.[ch]?.marketing;
    const now = after.consent?.[ch]?.marketing;
    if (was !== now) parts.push(`${t[`channel.${ch}`]} ${t.marketing}: ${yes(now)}`);
  }
  if (before.eDelivery !== after.eDelivery) parts.push(`${t.eDelivery}: ${yes(after.eDelivery)}`);
  if (payload.doNotContact === true) parts.push(t.doNotContact);
  return parts.length > 0 ? html`(${t.changedTo} ${parts.join(', ')})` : html``;
}
