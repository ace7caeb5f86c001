import { randomUUID } from 'node:crypto';
import type { ChannelKind } from '../../../core/types.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiLocale } from '../i18n/index.ts';

/** The agent's copy actions' words, in both UI languages (the same keys, type-checked). */
const EN = {
  resendTitle: 'Resend by e-mail',
  resendHelp: 'The exact archived document, never a new one. A letter goes as its PDF attached.',
  toOnFile: 'To the address on file',
  toOther: 'To another address (type it twice)',
  address: 'E-mail address',
  addressAgain: 'The same address again',
  reason: 'Reason (the customer’s words)',
  resend: 'Resend',
  reprintTitle: 'Re-print',
  reprintHelp:
    'The same PDF goes into the next print file, marked as a reprint, to the postal address on file.',
  reprint: 'Re-print',
  done: {
    resend: 'Resent: a copy of this document is on its way.',
    reprint: 'Queued for printing as a reprint.',
  },
  copyOf: { resend: 'resent copy of', reprint: 're-print of' },
};
type CopyStrings = typeof EN;
const ZH: CopyStrings = {
  resendTitle: '通过电子邮件重新发送',
  resendHelp: '发送存档中的原件，绝不重新生成。信函将以 PDF 附件发送。',
  toOnFile: '发送到登记的地址',
  toOther: '发送到其他地址（请输入两次）',
  address: '电子邮件地址',
  addressAgain: '再次输入同一地址',
  reason: '原因（客户的原话）',
  resend: '重新发送',
  reprintTitle: '重新打印',
  reprintHelp: '同一份 PDF 将放入下一个打印文件，标记为重印，寄往登记的邮寄地址。',
  reprint: '重新打印',
  done: { resend: '已重新发送：本文件的副本正在发送。', reprint: '已作为重印排入打印。' },
  copyOf: { resend: '重新发送的副本，原件', reprint: '重印件，原件' },
};
const STRINGS: Record<UiLocale, CopyStrings> = { 'en-GB': EN, 'zh-CN': ZH };

export function copyStrings(locale: UiLocale): CopyStrings {
  return STRINGS[locale] ?? EN;
}

/**
 * On a copy's timeline row, "re-print of #N" linked to the original, in the agent's language (the
 * ledger's own reason for the row is an English note); undefined for anything but a resend or re-print.
 */
export function copyOfLink(
  locale: UiLocale,
  customerId: string,
  copy: { copyKind: string | null; copyOf: string | null },
): SafeHtml | undefined {
  const { copyKind, copyOf } = copy;
  if ((copyKind !== 'resend' && copyKind !== 'reprint') || !copyOf) return undefined;
  const href = `/ui/customers/${encodeURIComponent(customerId)}/communications/${encodeURIComponent(copyOf)}`;
  return html` <span class="copy-of" data-kind="${copyKind}">${copyStrings(locale).copyOf[copyKind]} <a href="${href}">#${copyOf}</a></span>`;
}

/**
 * The resend and re-print forms of a communication (issue 19 item 1): CSRF-protected posts with a
 * fresh form id (a retried post makes one copy) and a reason; another address must be typed twice.
 */
export function copyForms(
  locale: UiLocale,
  base: string,
  channel: ChannelKind,
  csrf: string,
  done: 'resend' | 'reprint' | undefined,
): SafeHtml {
  const s = copyStrings(locale);
  const resend =
    channel === 'sms'
      ? ''
      : html`<form class="stack" method="post" action="${base}/resend" id="resend">
  <h2>${s.resendTitle}</h2>
  <p class="muted">${s.resendHelp}</p>
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <fieldset><legend>${s.resendTitle}</legend>
    <label><input type="radio" name="recipient" value="on-file" checked> ${s.toOnFile}</label><br>
    <label><input type="radio" name="recipient" value="other"> ${s.toOther}</label>
  </fieldset>
  <label>${s.address}<br><input type="email" name="to" autocomplete="off" maxlength="254"></label>
  <label>${s.addressAgain}<br><input type="email" name="toConfirm" autocomplete="off" maxlength="254"></label>
  <label>${s.reason}<br><input type="text" name="reason" required minlength="3" maxlength="500"></label>
  <button class="primary" type="submit">${s.resend}</button>
</form>`;
  const reprint =
    channel === 'print'
      ? html`<form class="stack" method="post" action="${base}/reprint" id="reprint">
  <h2>${s.reprintTitle}</h2>
  <p class="muted">${s.reprintHelp}</p>
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="id" value="${randomUUID()}">
  <label>${s.reason}<br><input type="text" name="reason" required minlength="3" maxlength="500"></label>
  <button type="submit">${s.reprint}</button>
</form>`
      : '';
  return html`${done ? html`<div class="alert ok" role="status" id="copied">${s.done[done]}</div>` : ''}${resend}${reprint}`;
}
