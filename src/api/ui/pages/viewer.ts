import { randomUUID } from 'node:crypto';
import type { CommunicationRecord, StatusChange } from '../../../store/index.ts';
import type { DocumentState } from '../../lookup/document-state.ts';
import type { EmailEnvelope } from '../../lookup/email-envelope.ts';
import { DISPOSITION_OUTCOMES } from '../../lookup/schemas.ts';
import type { TimelineEvent } from '../../lookup/timeline.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';
import { statusLabel } from '../i18n/status-labels.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';
import { copyForms } from './copy-forms.ts';
import { correctionLinks, correctionStrings } from './correction-form.ts';
import { eventRow } from './customer.ts';

export type { DocumentState } from '../../lookup/document-state.ts';

export interface ViewerData {
  communication: CommunicationRecord & { type: string | null; asOf: string | null };
  state: DocumentState;
  /** SMS body (verified SMS only). */
  smsText?: string;
  /** A verified e-mail's subject, sender and masked recipient, from the archived bytes and the ledger. */
  envelope?: EmailEnvelope | undefined;
  /** The decision's reasons as sentences in the agent's language (lookup/decision-reasons.ts). */
  reasons: string[];
  explanation: string[];
  offers: string[];
  history: StatusChange[];
  events: TimelineEvent[];
  recorded: boolean;
  /** An agent's copy was just made (the resend and re-print forms). */
  copied?: 'resend' | 'reprint' | undefined;
  /** The corrected versions of this communication (issue 19: "corrected by #M"). */
  correctedBy?: string[] | undefined;
}

export function viewerPage(ctx: PageContext, d: ViewerData): SafeHtml {
  const { t } = ctx;
  const c = d.communication;
  const base = `/ui/customers/${encodeURIComponent(c.customerId)}/communications/${encodeURIComponent(c.id)}`;
  const meta = html`<dl class="kv">
  <dt>${t.channel}</dt><dd data-channel="${c.channel}">${t[`channel.${c.channel}`]}</dd>
  <dt>${t.type}</dt><dd>${c.type ?? ''}</dd>
  <dt>${t.asOf}</dt><dd>${c.asOf ?? ''}</dd>
  <dt>${t.status}</dt><dd data-status="${c.status}">${statusLabel(ctx.locale, c.status)}</dd>
  <dt>${t.pages}</dt><dd>${c.pages ?? ''}</dd>
  <dt>${t.fingerprint}</dt><dd><code id="sha256">${c.artifactSha256 ?? ''}</code></dd>
</dl>${correctionLine(ctx, c, d)}`;
  const side = html`<section>
  ${stateBanner(t, d.state)}
  ${d.recorded ? html`<div class="alert ok" role="status" id="recorded">${t.recorded}</div>` : ''}
  <div class="card">${meta}</div>
  <div class="card">${dispositionForm(t, base, d.offers, ctx.principal?.csrfToken ?? '')}</div>
  ${d.state === 'verified' ? html`<div class="card">${copyForms(ctx.locale, base, c.channel, ctx.principal?.csrfToken ?? '', d.copied)}</div>` : ''}
  ${d.explanation.length ? html`<div class="card"><h2>${t.decision}</h2><ul class="reasons" id="reasons">${d.reasons.map((l) => html`<li>${l}</li>`)}</ul><details><summary>${t.technicalDetail}</summary><ul class="reasons">${d.explanation.map((l) => html`<li>${l}</li>`)}</ul></details></div>` : ''}
  <div class="card"><h2>${t.history}</h2><table><tbody>${d.history.map((h) => html`<tr><td>${formatTime(h.at, ctx, { seconds: true })}</td><td data-status="${h.status}">${statusLabel(ctx.locale, h.status)}</td><td>${h.reason ?? ''}</td></tr>`)}</tbody></table></div>
  ${d.events.length ? html`<div class="card"><h2>${t.events}</h2><table><tbody>${d.events.map((e) => eventRow(t, e, ctx))}</tbody></table></div>` : ''}
</section>`;
  const body = html`<p><a href="/ui/customers/${encodeURIComponent(c.customerId)}">← ${t.backToCustomer}</a></p>
<h1>${t.communication} ${c.id}</h1>
<div class="viewer"><section>${documentPane(t, d, base)}</section>${side}</div>`;
  return page(ctx, `${t.communication} ${c.id}`, body);
}

/** "corrects #N" / "corrected by #M", and the way to a corrected copy of a verified original. */
function correctionLine(ctx: PageContext, c: ViewerData['communication'], d: ViewerData): SafeHtml {
  const corrects = c.copyKind === 'correction' ? c.copyOf : null;
  const links = correctionLinks(ctx.locale, c.customerId, corrects, d.correctedBy ?? []);
  const exact = c.copyKind === 'resend' || c.copyKind === 'reprint';
  const base = `/ui/customers/${encodeURIComponent(c.customerId)}/communications/${encodeURIComponent(c.id)}`;
  const open =
    d.state === 'verified' && !exact
      ? html` <a id="correct-link" href="${base}/correct">${correctionStrings(ctx.locale).open}</a>`
      : '';
  return html`<p id="corrections-line">${links}${open}</p>`;
}

function stateBanner(t: UiStrings, state: DocumentState): SafeHtml {
  switch (state) {
    case 'verified':
      return html`<div class="badge verified" id="verified" role="status">✔ ${t.verified}</div>`;
    case 'tampered':
      return html`<div class="alert tampered" id="tampered" role="alert">⚠ ${t.tampered}</div>`;
    case 'no-document':
      return html`<div class="alert error" role="status">${t.noDocument}</div>`;
    case 'unreadable':
      return html`<div class="alert error" role="alert">${t.unreadable}</div>`;
  }
}

function documentPane(t: UiStrings, d: ViewerData, base: string): SafeHtml | string {
  if (d.state !== 'verified') return '';
  const c = d.communication;
  const api = `/api/customers/${encodeURIComponent(c.customerId)}/communications/${encodeURIComponent(c.id)}/document`;
  switch (c.channel) {
    case 'print':
      return html`<iframe class="doc" id="document" src="${api}" title="${t.documentFrame}"></iframe>`;
    case 'email':
      // An empty sandbox: no scripts, no forms, no same-origin access, no top navigation.
      return html`${d.envelope ? envelopeHeader(t, d.envelope) : ''}<iframe class="doc" id="document" sandbox="" referrerpolicy="no-referrer" src="${base}/email" title="${t.emailFrame}"></iframe>`;
    case 'sms':
      return html`<pre class="sms" id="document" aria-label="${t.smsText}">${d.smsText ?? ''}</pre>`;
  }
}

/** The e-mail's header as a mail client shows it: subject, From, To (masked, with where it came from). */
function envelopeHeader(t: UiStrings, e: EmailEnvelope): SafeHtml {
  const from = e.from
    ? html`${e.from.name ? html`${e.from.name} ` : ''}&lt;${e.from.address}&gt;`
    : html`<em>${t.emailDefaultSender}</em>`;
  const source =
    e.toSource === 'confirmed' ? t.emailToConfirmed : e.toSource === 'on-file' ? t.emailToOnFile : '';
  return html`<dl class="kv card" id="email-envelope">
  <dt>${t.emailSubject}</dt><dd id="email-subject">${e.subject}</dd>
  <dt>${t.emailFrom}</dt><dd id="email-from">${from}</dd>
  <dt>${t.emailTo}</dt><dd id="email-to">${e.to ?? ''}${source ? html` <small>(${source})</small>` : ''}</dd>
</dl>`;
}

function dispositionForm(t: UiStrings, base: string, offers: string[], csrf: string): SafeHtml {
  return html`<form class="stack" method="post" action="${base}/dispositions" id="disposition">
  <h2>${t.recordResponse}</h2>
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <label>${t.outcome}<br><select name="outcome" required>${DISPOSITION_OUTCOMES.map((o) => html`<option value="${o}">${t[`outcome.${o}`]}</option>`)}</select></label>
  ${offers.length ? html`<label>${t.offer}<br><select name="offerId"><option value="">${t.noOffer}</option>${offers.map((o) => html`<option value="${o}">${o}</option>`)}</select></label>` : ''}
  <label>${t.note}<br><textarea name="note" rows="3" maxlength="2000"></textarea></label>
  <button class="primary" type="submit">${t.save}</button>
</form>`;
}
