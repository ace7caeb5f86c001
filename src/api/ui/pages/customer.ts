import { CHANNEL_KINDS } from '../../../core/types.ts';
import type { CustomerView } from '../../lookup/customer-view.ts';
import type { TimelineCommunication, TimelineEvent } from '../../lookup/timeline.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';
import { type PageContext, page } from '../layout.ts';

/** Traits shown first when present; the rest follow, up to a screenful. */
const KEY_TRAITS = ['segment', 'age', 'job', 'balance', 'marital', 'education', 'housing', 'loan', 'default'];
const MAX_TRAITS = 8;

export function customerPage(
  ctx: PageContext,
  customer: CustomerView,
  timeline: { communications: TimelineCommunication[]; events: TimelineEvent[] },
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
<section class="card"><h2>${t.keyTraits}</h2><dl class="kv">${traits.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl></section>
<section class="card"><h2>${t.consent}</h2><table><thead><tr><th>${t.channel}</th><th>${t.service}</th><th>${t.marketing}</th></tr></thead><tbody>
${CHANNEL_KINDS.map((ch) => html`<tr><td>${ch}</td><td>${yes(customer.consent[ch]?.service ?? false)}</td><td>${yes(customer.consent[ch]?.marketing ?? false)}</td></tr>`)}
</tbody></table><p>${t.eDelivery}: ${yes(customer.eDelivery)}</p></section>
</div>`;
  return page(
    ctx,
    customer.name,
    html`${summary}<h2 id="timeline-title">${t.timeline}</h2>${timelineTable(t, customer.id, timeline)}`,
  );
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
): SafeHtml {
  if (timeline.communications.length === 0 && timeline.events.length === 0) {
    return html`<p class="muted">${t.noCommunications}</p>`;
  }
  const id = encodeURIComponent(customerId);
  const rows: Row[] = [
    ...timeline.communications.map((c) => ({
      at: c.createdAt,
      html: html`<tr class="communication" data-id="${c.id}"><td>${c.createdAt.slice(0, 16).replace('T', ' ')}</td><td>${c.channel}</td><td>${c.type ?? ''}${c.asOf ? html` <span class="muted">${t.asOf} ${c.asOf}</span>` : ''}</td><td>${c.status}${c.reason ? html` <span class="muted">${c.reason}</span>` : ''}</td><td>${c.offers.join(', ')}</td><td>${c.sha256 ? html`<a href="/ui/customers/${id}/communications/${encodeURIComponent(c.id)}">${t.open}</a>` : ''}</td></tr>`,
    })),
    ...timeline.events.map((e) => ({ at: e.occurredAt, html: eventRow(t, e) })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return html`<table id="timeline"><thead><tr><th>${t.date}</th><th>${t.channel}</th><th>${t.type}</th><th>${t.status}</th><th>${t.offers}</th><th></th></tr></thead><tbody>${rows.map((r) => r.html)}</tbody></table>`;
}

export function eventRow(t: UiStrings, e: TimelineEvent): SafeHtml {
  const p = e.payload;
  const outcome =
    typeof p.outcome === 'string' ? (t[`outcome.${p.outcome}` as keyof UiStrings] ?? p.outcome) : '';
  const label =
    e.type === 'disposition'
      ? html`<strong>${t.response}: ${outcome}</strong>`
      : html`<strong>${e.type}</strong>`;
  const note = typeof p.note === 'string' ? html` — ${p.note}` : '';
  const agent =
    typeof p.agent === 'string' ? html` <span class="muted">(${t.recordedBy} ${p.agent})</span>` : '';
  return html`<tr class="event" data-type="${e.type}"><td>${e.occurredAt.slice(0, 16).replace('T', ' ')}</td><td>${e.source}</td><td colspan="2">${label}${note}${agent}</td><td>${e.offerId ?? ''}</td><td></td></tr>`;
}
