import { randomUUID } from 'node:crypto';
import type { LetterTemplate } from '../../../on-demand/heavy.ts';
import { type EditableSection, sectionLabel } from '../../../templates/index.ts';
import type { CustomerView } from '../../lookup/customer-view.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiLocale } from '../i18n/index.ts';
import { type PageContext, page } from '../layout.ts';

/** The letter form's words, in both UI languages (the same keys, type-checked). */
const EN = {
  title: 'New letter',
  newLetter: 'Write a letter',
  help: 'An approved letter template: fill in its sections, preview the PDF, then send it by post or e-mail. What you type is printed as written.',
  template: 'Letter template',
  choose: 'Use this template',
  none: 'No letter template is published yet (publish one, e.g. templates/general-letter).',
  sendBy: 'Send by',
  post: 'Post (next print file, to the postal address on file)',
  email: 'E-mail (PDF attached, to the address on file)',
  noEmail: 'no e-mail address on file',
  noAddress: 'no postal address on file',
  reason: 'Reason (the customer’s words)',
  preview: 'Preview PDF',
  send: 'Send letter',
  charactersMax: 'at most {n} characters',
  optional: 'optional',
  back: 'Back to the customer',
};
type LetterStrings = typeof EN;
const ZH: LetterStrings = {
  title: '新建信函',
  newLetter: '撰写信函',
  help: '使用已批准的信函模板：填写各部分内容，预览 PDF，然后通过邮寄或电子邮件发送。您输入的内容将按原样打印。',
  template: '信函模板',
  choose: '使用此模板',
  none: '尚未发布任何信函模板（请先发布，例如 templates/general-letter）。',
  sendBy: '发送方式',
  post: '邮寄（下一个打印文件，寄往登记的邮寄地址）',
  email: '电子邮件（附 PDF，发送到登记的电子邮件地址）',
  noEmail: '未登记电子邮件地址',
  noAddress: '未登记邮寄地址',
  reason: '原因（客户的原话）',
  preview: '预览 PDF',
  send: '发送信函',
  charactersMax: '最多 {n} 个字符',
  optional: '可选',
  back: '返回客户页面',
};
const STRINGS: Record<UiLocale, LetterStrings> = { 'en-GB': EN, 'zh-CN': ZH };

export function letterStrings(locale: UiLocale): LetterStrings {
  return STRINGS[locale] ?? EN;
}

/**
 * The agent's ad-hoc letter form (issue 19 item 3): pick a published letter template, fill its
 * editable sections (text areas with their limits, choices as lists), preview the PDF in a new tab
 * (the real renderer, kept nowhere) and send it by post or e-mail with a reason. A fresh form id
 * makes a retried post one letter.
 */
export function letterFormPage(
  ctx: PageContext,
  customer: CustomerView,
  templates: readonly LetterTemplate[],
  chosen: LetterTemplate | undefined,
): SafeHtml {
  const s = letterStrings(ctx.locale);
  const id = encodeURIComponent(customer.id);
  const back = html`<p><a href="/ui/customers/${id}">← ${s.back}</a></p>`;
  if (templates.length === 0 || !chosen) {
    return page(
      ctx,
      s.title,
      html`${back}<h1>${s.newLetter}</h1><p class="muted" id="no-letters">${s.none}</p>`,
    );
  }
  const picker = html`<form class="stack narrow" method="get" action="/ui/customers/${id}/letters/new" id="letter-template">
  <label>${s.template}<br><select name="template">${templates.map(
    (t) => html`<option value="${t.name}"${t.name === chosen.name ? html` selected` : ''}>${t.name}</option>`,
  )}</select></label>
  <button type="submit">${s.choose}</button>
</form>`;
  const csrf = ctx.principal?.csrfToken ?? '';
  const canPost = chosen.channels.includes('print');
  const canEmail = chosen.channels.includes('email') && Boolean(customer.email);
  const channel = (value: 'print' | 'email', label: string, enabled: boolean, why: string) =>
    html`<label><input type="radio" name="channel" value="${value}"${enabled ? '' : html` disabled`}${
      enabled && (value === 'print' || !canPost) ? html` checked` : ''
    }> ${label}${enabled ? '' : html` <span class="muted">(${why})</span>`}</label><br>`;
  const form = html`<form class="stack" method="post" action="/ui/customers/${id}/letters" id="letter">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <input type="hidden" name="template" value="${chosen.name}">
  ${chosen.sections.map((section) => sectionField(s, ctx.locale, section))}
  <fieldset><legend>${s.sendBy}</legend>
    ${channel('print', s.post, canPost && customer.city !== null, s.noAddress)}
    ${channel('email', s.email, canEmail, s.noEmail)}
  </fieldset>
  <label>${s.reason}<br><input type="text" name="reason" size="90" minlength="3" maxlength="500"></label>
  <div><button type="submit" formaction="/ui/customers/${id}/letters/preview" formtarget="_blank" id="letter-preview">${s.preview}</button>
  <button class="primary" type="submit" id="letter-send">${s.send}</button></div>
</form>`;
  return page(
    ctx,
    `${s.title} · ${customer.name}`,
    html`${back}<h1>${s.newLetter} — ${customer.name}</h1><p>${s.help}</p>${picker}<section class="card">${form}</section>`,
  );
}

/** One editable section as a form field, named `section_<id>`, with its limit shown. */
function sectionField(s: LetterStrings, locale: UiLocale, section: EditableSection): SafeHtml {
  const name = `section_${section.id}`;
  const label = sectionLabel(section.label, locale);
  const required = section.required ? html` required` : '';
  const hint = section.required ? '' : ` (${s.optional})`;
  if (section.type === 'choice') {
    return html`<label>${label}${hint}<br><select name="${name}"${required}>${section.required ? '' : html`<option value=""></option>`}${section.options.map(
      (o) => html`<option value="${o.value}">${sectionLabel(o.label, locale)}</option>`,
    )}</select></label>`;
  }
  const limit = s.charactersMax.replace('{n}', String(section.maxLength));
  const field = section.multiline
    ? html`<textarea name="${name}" rows="10" cols="90" maxlength="${String(section.maxLength)}"${required}></textarea>`
    : html`<input type="text" name="${name}" size="90" maxlength="${String(section.maxLength)}"${required}>`;
  return html`<label>${label}${hint} <span class="muted">${limit}</span><br>${field}</label>`;
}
