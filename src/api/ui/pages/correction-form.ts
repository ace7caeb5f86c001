import { randomUUID } from 'node:crypto';
import type { CorrectionForm } from '../../../on-demand/heavy.ts';
import { fieldLabel } from '../../../templates/index.ts';
import type { CorrectionView } from '../../lookup/corrections.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiLocale } from '../i18n/index.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';

/** The corrected copy's words, in both UI languages (the same keys, type-checked). */
const EN = {
  title: 'Corrected copy',
  open: 'Correct this document',
  help: 'Change only what is wrong. A new version is made from the data this document was rendered with; this one stays as it was. A change of an amount waits for a supervisor’s approval unless you are an admin.',
  amount: 'amount: needs approval',
  linesHelp: 'one line per row',
  reason: 'Reason (the customer’s words)',
  send: 'Then',
  sendNone: 'Only archive the new version',
  sendPrint: 'Re-print it to the postal address on file',
  sendEmail: 'E-mail it to the address on file',
  submit: 'Make the corrected version',
  history: 'Corrections of this document',
  none: 'None yet.',
  fields: 'Fields',
  requestedBy: 'Asked by',
  decidedBy: 'Decided by',
  status: { pending: 'waiting for approval', applied: 'applied', refused: 'refused' },
  version: 'New version',
  approve: 'Approve',
  refuse: 'Refuse',
  decisionReason: 'Reason for the decision',
  done: {
    applied: 'The corrected version is archived.',
    pending: 'An amount changed: the correction waits for a supervisor’s approval.',
    approved: 'Approved: the corrected version is archived.',
    refused: 'Refused: nothing was changed.',
  },
  corrects: 'corrects',
  correctedBy: 'corrected by',
  back: 'Back to the document',
  queue: 'Corrections waiting for approval',
  queueHelp:
    'A change of an amount asked for by an agent. Open the document to approve or refuse it; the person who asked cannot.',
  document: 'Document',
  customer: 'Customer',
};
type CorrectionStrings = typeof EN;
const ZH: CorrectionStrings = {
  title: '更正副本',
  open: '更正此文件',
  help: '只修改有误之处。新版本将依据本文件生成时的数据制作，本文件保持原样。金额的修改须经主管批准，管理员除外。',
  amount: '金额：需要批准',
  linesHelp: '每行一项',
  reason: '原因（客户的原话）',
  send: '随后',
  sendNone: '仅存档新版本',
  sendPrint: '重新打印并寄往登记的邮寄地址',
  sendEmail: '通过电子邮件发送到登记的地址',
  submit: '生成更正版本',
  history: '本文件的更正记录',
  none: '暂无。',
  fields: '字段',
  requestedBy: '申请人',
  decidedBy: '审批人',
  status: { pending: '等待批准', applied: '已生效', refused: '已拒绝' },
  version: '新版本',
  approve: '批准',
  refuse: '拒绝',
  decisionReason: '决定的理由',
  done: {
    applied: '更正版本已存档。',
    pending: '金额有改动：更正正在等待主管批准。',
    approved: '已批准：更正版本已存档。',
    refused: '已拒绝：未作任何更改。',
  },
  corrects: '更正了',
  correctedBy: '已被更正为',
  back: '返回文件',
  queue: '等待批准的更正',
  queueHelp: '由客服人员申请的金额修改。打开文件进行批准或拒绝；申请人本人不能审批。',
  document: '文件',
  customer: '客户',
};
const STRINGS: Record<UiLocale, CorrectionStrings> = { 'en-GB': EN, 'zh-CN': ZH };

export function correctionStrings(locale: UiLocale): CorrectionStrings {
  return STRINGS[locale] ?? EN;
}

export type CorrectionDone = keyof CorrectionStrings['done'];
export const CORRECTION_DONE: readonly CorrectionDone[] = ['applied', 'pending', 'approved', 'refused'];

/** "corrects #N" / "corrected by #M" links for a communication (viewer and timeline). */
export function correctionLinks(
  locale: UiLocale,
  customerId: string,
  corrects: string | null,
  correctedBy: readonly string[],
): SafeHtml {
  const s = correctionStrings(locale);
  const link = (id: string) =>
    html`<a href="/ui/customers/${encodeURIComponent(customerId)}/communications/${encodeURIComponent(id)}">#${id}</a>`;
  return html`${corrects ? html` <span class="corrects">${s.corrects} ${link(corrects)}</span>` : ''}${correctedBy.map((id) => html` <span class="corrected-by">${s.correctedBy} ${link(id)}</span>`)}`;
}

export interface CorrectionPageData {
  customerId: string;
  form: CorrectionForm & { corrections: CorrectionView[] };
  done: CorrectionDone | undefined;
}

/**
 * The corrected-copy page of a communication (issue 19 item 1): the template's correctable fields with
 * the values the document was rendered with (amounts marked), a reason, what to do with the new version;
 * below, this document's corrections — an admin who did not ask sees approve and refuse on pending ones.
 */
export function correctionPage(ctx: PageContext, d: CorrectionPageData): SafeHtml {
  const s = correctionStrings(ctx.locale);
  const c = d.form.communication;
  const base = `/ui/customers/${encodeURIComponent(d.customerId)}/communications/${encodeURIComponent(c.id)}`;
  const csrf = ctx.principal?.csrfToken ?? '';
  const inputs = d.form.fields.map((f) => {
    const label = fieldLabel(f, ctx.locale);
    const name = `field:${f.path}`;
    const tag = f.type === 'amount' ? html` <small class="amount">(${s.amount})</small>` : '';
    if (f.type === 'lines') {
      const value = Array.isArray(f.value) ? f.value.join('\n') : '';
      return html`<div><label>${label} <small class="muted">(${s.linesHelp})</small><br><textarea name="${name}" rows="${f.maxLines ?? 4}" data-path="${f.path}">${value}</textarea></label></div>`;
    }
    const value = f.value === undefined || f.value === null ? '' : String(f.value);
    return f.type === 'amount'
      ? html`<div><label>${label}${tag}<br><input type="text" inputmode="decimal" pattern="-?[0-9]+([.][0-9]{1,2})?" name="${name}" value="${value}" data-path="${f.path}"></label></div>`
      : html`<div><label>${label}<br><input type="text" name="${name}" value="${value}" maxlength="${f.maxLength ?? 200}" data-path="${f.path}"></label></div>`;
  });
  const sends = [
    ['none', s.sendNone],
    ...(c.channel === 'print' ? [['print', s.sendPrint]] : []),
    ...(c.channel !== 'sms' ? [['email', s.sendEmail]] : []),
  ] as const;
  const form = html`<form class="stack" method="post" action="${base}/correct" id="correct">
  <p class="muted">${s.help}</p>
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <fieldset><legend>${s.fields}</legend>${inputs}</fieldset>
  <label>${s.reason}<br><input type="text" name="reason" required minlength="3" maxlength="500"></label>
  <fieldset><legend>${s.send}</legend>${sends.map(([value, label], i) => html`<label><input type="radio" name="send" value="${value}"${i === 0 ? html` checked` : ''}> ${label}</label><br>`)}</fieldset>
  <button class="primary" type="submit">${s.submit}</button>
</form>`;
  const body = html`<p><a href="${base}">← ${s.back}</a></p>
<h1>${s.title}: ${c.id}</h1>
${d.done ? html`<div class="alert ok" role="status" id="corrected">${s.done[d.done]}</div>` : ''}
<section class="card">${form}</section>
<section class="card"><h2>${s.history}</h2>${historyTable(ctx, s, d, csrf)}</section>`;
  return page(ctx, `${s.title} ${c.id}`, body);
}

function historyTable(ctx: PageContext, s: CorrectionStrings, d: CorrectionPageData, csrf: string): SafeHtml {
  if (d.form.corrections.length === 0) return html`<p class="muted">${s.none}</p>`;
  const me = ctx.principal ? `${ctx.principal.via === 'token' ? 'token' : 'user'}:${ctx.principal.user}` : '';
  const canDecide = (c: CorrectionView) =>
    c.status === 'pending' && ctx.principal?.role === 'admin' && c.requestedBy !== me;
  const labels = new Map(d.form.fields.map((f) => [f.path, fieldLabel(f, ctx.locale)]));
  const rows = d.form.corrections.map(
    (c) => html`<tr data-correction="${c.id}" data-status="${c.status}">
  <td>${formatTime(c.requestedAt, ctx)}</td>
  <td>${c.fields.map((f) => labels.get(f.path) ?? f.path).join(', ')}</td>
  <td>${s.requestedBy}: ${c.requestedBy.replace(/^(user|token):/, '')}<br><span class="muted">${c.reason}</span></td>
  <td>${s.status[c.status]}${c.decidedBy ? html`<br><span class="muted">${s.decidedBy}: ${c.decidedBy.replace(/^(user|token):/, '')}${c.decisionReason ? html` — ${c.decisionReason}` : ''}</span>` : ''}${
    c.correctionId
      ? html`<br>${s.version}: <a href="/ui/customers/${encodeURIComponent(d.customerId)}/communications/${encodeURIComponent(c.correctionId)}">#${c.correctionId}</a>`
      : ''
  }</td>
  <td>${canDecide(c) ? decideForm(s, c.id, csrf) : ''}</td>
</tr>`,
  );
  return html`<table id="corrections"><tbody>${rows}</tbody></table>`;
}

function decideForm(s: CorrectionStrings, id: string, csrf: string): SafeHtml {
  return html`<form class="stack" method="post" action="/ui/corrections/${encodeURIComponent(id)}/decide">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>${s.decisionReason}<br><input type="text" name="reason" required minlength="3" maxlength="500"></label>
  <button class="primary" type="submit" name="decision" value="approve">${s.approve}</button>
  <button type="submit" name="decision" value="refuse">${s.refuse}</button>
</form>`;
}

/** The approval queue: pending corrections, oldest first, each linked to its document's correction page. */
export function correctionQueuePage(ctx: PageContext, pending: readonly CorrectionView[]): SafeHtml {
  const s = correctionStrings(ctx.locale);
  const rows = pending.map((c) => {
    const page = `/ui/customers/${encodeURIComponent(c.customerId)}/communications/${encodeURIComponent(c.communicationId)}/correct`;
    return html`<tr data-correction="${c.id}"><td>${formatTime(c.requestedAt, ctx)}</td><td>${c.customerId}</td><td><a href="${page}">#${c.communicationId}</a></td><td>${c.fields.map((f) => f.path).join(', ')}</td><td>${c.requestedBy.replace(/^(user|token):/, '')}<br><span class="muted">${c.reason}</span></td></tr>`;
  });
  const body = html`<h1>${s.queue}</h1>
<p class="muted">${s.queueHelp}</p>
<div class="card">${
    pending.length === 0
      ? html`<p class="muted">${s.none}</p>`
      : html`<table id="correction-queue"><thead><tr><th>${ctx.t.date} (${ctx.timeZone})</th><th>${s.customer}</th><th>${s.document}</th><th>${s.fields}</th><th>${s.requestedBy}</th></tr></thead><tbody>${rows}</tbody></table>`
  }</div>`;
  return page(ctx, s.queue, body);
}
