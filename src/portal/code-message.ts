import type { Artifact } from '../core/types.ts';
import { EMAIL_MIME, encodeEmail, makeArtifact, smsSegments } from '../render/index.ts';

/** The message that carries a sign-in code, in the customer's language. Pure. */
export type PortalLocale = 'en-GB' | 'zh-CN';

/** The portal's language for a customer locale: zh-CN for Chinese, else en-GB. */
export function portalLocaleOf(locale: string | undefined): PortalLocale {
  return /^zh\b/i.test(locale ?? '') ? 'zh-CN' : 'en-GB';
}

const TEXT: Record<PortalLocale, { subject: string; body(code: string, minutes: number): string }> = {
  'en-GB': {
    subject: 'Your sign-in code',
    body: (code, minutes) =>
      `Your sign-in code is ${code}. It expires in ${minutes} minutes. Never share it: we will never ask you for it.`,
  },
  'zh-CN': {
    subject: '您的登录验证码',
    body: (code, minutes) =>
      `您的登录验证码是 ${code}，${minutes} 分钟内有效。请勿告诉任何人，我们绝不会向您索要。`,
  },
};

export function codeArtifact(
  channel: 'sms' | 'email',
  code: string,
  options: { locale: PortalLocale; minutes: number },
): Artifact {
  const t = TEXT[options.locale];
  const body = t.body(code, options.minutes);
  if (channel === 'sms') {
    const bytes = Buffer.from(body, 'utf8');
    return makeArtifact(bytes, 'text/plain', { segments: smsSegments(body).segments });
  }
  const html = `<!doctype html><html lang="${options.locale}"><body><p style="font-size:16px">${body.replace(
    code,
    `<strong style="font-size:22px;letter-spacing:4px">${code}</strong>`,
  )}</p></body></html>`;
  return makeArtifact(encodeEmail({ subject: t.subject, html, text: body }), EMAIL_MIME);
}
