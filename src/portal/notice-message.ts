import type { Artifact, ChannelKind } from '../core/types.ts';
import { EMAIL_MIME, encodeEmail, makeArtifact, smsSegments } from '../render/index.ts';
import type { PortalLocale } from './code-message.ts';

/**
 * The confirmation of a preference change sent to the contact on file ("we saved a change to how
 * we contact you… if this was not you, call us"), in the customer's language. Pure.
 */
export interface PreferenceNotice {
  paperless?: boolean;
  marketing?: Partial<Record<ChannelKind, boolean>>;
  locale?: string;
  unsubscribedAll?: boolean;
}

const TEXT = {
  'en-GB': {
    subject: 'Your contact preferences were changed',
    intro: 'We have saved a change to how we contact you:',
    outro: 'If you did not make this change, please call us.',
    paperless: (on: boolean) => `paperless statements ${on ? 'on' : 'off'}`,
    marketing: (channel: ChannelKind, on: boolean) =>
      `offers by ${{ email: 'e-mail', sms: 'text message', print: 'post' }[channel]} ${on ? 'on' : 'off'}`,
    locale: (l: string) => `language ${l.startsWith('zh') ? '中文' : 'English'}`,
    unsubscribedAll: 'unsubscribed from all marketing',
    join: '; ',
  },
  'zh-CN': {
    subject: '您的联系偏好已更改',
    intro: '我们已保存对联系方式的更改：',
    outro: '如非本人操作，请致电我们。',
    paperless: (on: boolean) => `无纸化对账单${on ? '开启' : '关闭'}`,
    marketing: (channel: ChannelKind, on: boolean) =>
      `${{ email: '电子邮件', sms: '短信', print: '邮寄' }[channel]}优惠${on ? '开启' : '关闭'}`,
    locale: (l: string) => `语言：${l.startsWith('zh') ? '中文' : 'English'}`,
    unsubscribedAll: '已退订所有营销信息',
    join: '；',
  },
} as const;

export function noticeText(
  locale: PortalLocale,
  notice: PreferenceNotice,
): { subject: string; text: string } {
  const t = TEXT[locale];
  const items: string[] = [];
  if (notice.unsubscribedAll) items.push(t.unsubscribedAll);
  if (notice.paperless !== undefined) items.push(t.paperless(notice.paperless));
  for (const [channel, on] of Object.entries(notice.marketing ?? {}) as [ChannelKind, boolean][]) {
    items.push(t.marketing(channel, on));
  }
  if (notice.locale !== undefined) items.push(t.locale(notice.locale));
  return { subject: t.subject, text: `${t.intro} ${items.join(t.join)}. ${t.outro}` };
}

export function noticeArtifact(
  channel: 'sms' | 'email',
  locale: PortalLocale,
  notice: PreferenceNotice,
): Artifact {
  const { subject, text } = noticeText(locale, notice);
  if (channel === 'sms') {
    return makeArtifact(Buffer.from(text, 'utf8'), 'text/plain', { segments: smsSegments(text).segments });
  }
  const html = `<!doctype html><html lang="${locale}"><body><p style="font-size:16px">${escapeHtml(text)}</p></body></html>`;
  return makeArtifact(encodeEmail({ subject, html, text }), EMAIL_MIME);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
