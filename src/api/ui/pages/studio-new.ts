import type { Starter, StarterId } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';
import { type PageContext, page } from '../layout.ts';

/** Each starter's title and one-line description in the UI's language. */
const LABELS: Record<StarterId, [keyof UiStrings, keyof UiStrings]> = {
  letter: ['studioStarterLetter', 'studioStarterLetterText'],
  statement: ['studioStarterStatement', 'studioStarterStatementText'],
  bill: ['studioStarterBill', 'studioStarterBillText'],
  brochure: ['studioStarterBrochure', 'studioStarterBrochureText'],
  email: ['studioStarterEmail', 'studioStarterEmailText'],
  sms: ['studioStarterSms', 'studioStarterSmsText'],
};

export interface NewTemplateForm {
  starter?: string;
  name?: string;
  dataSource?: string;
}

/**
 * "New template": the gallery of starters (a card each, with its first page for print starters), the
 * new template's name and its data contract (a data source, or the customer record). A plain form:
 * it works without JavaScript; a refusal comes back on the same page with what was typed.
 */
export function newTemplatePage(
  ctx: PageContext,
  starters: Starter[],
  dataSources: string[],
  options: { form?: NewTemplateForm; message?: string } = {},
): SafeHtml {
  const { t } = ctx;
  const form = options.form ?? {};
  const chosen = form.starter ?? 'letter';
  const card = (s: Starter) => {
    const [title, text] = LABELS[s.id];
    return html`<label class="card starter" data-starter="${s.id}">
<input type="radio" name="starter" value="${s.id}" ${s.id === chosen ? 'checked' : ''}>
<strong>${t[title]}</strong>
${
  s.channels.includes('print')
    ? html`<img class="starter-thumb" alt="${t[title]}" src="/ui/studio/starters/${s.id}/page.png">`
    : html`<span class="starter-thumb starter-channel">${s.channels.join(' · ')}</span>`
}
<span class="muted">${t[text]}</span>
<small>${t.studioChannels}: ${s.channels.join(', ')}${s.dataSource ? html` · ${t.studioDataContract}: <code>${s.dataSource}</code>` : ''}</small>
</label>`;
  };
  const source = form.dataSource ?? '';
  return page(
    ctx,
    t.studioNewTemplate,
    html`<h1>${t.studioNewTemplate} <small><a href="/ui/studio">${t.studio}</a></small></h1>
${options.message ? html`<div class="alert error" role="alert">${options.message}</div>` : ''}
<form method="post" action="/ui/studio/new" id="new-template" class="stack">
<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">
<fieldset><legend>${t.studioStarters}</legend><div class="starter-gallery">${starters.map(card)}</div></fieldset>
<label>${t.studioTemplateName}<br><input name="name" id="template-name" required maxlength="64" value="${form.name ?? ''}"></label>
<label>${t.studioDataContract}<br><select name="dataSource" id="data-source">
<option value="" ${source === '' ? 'selected' : ''}>${t.studioCustomerRecord}</option>
${dataSources.map((d) => html`<option value="${d}" ${d === source ? 'selected' : ''}>${d}</option>`)}
</select></label>
<button class="primary" type="submit" id="create-template">${t.studioCreateTemplate}</button>
</form>`,
  );
}
