import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from './html.ts';
import { isUiLocale, LANG_COOKIE, UI_LOCALES, type UiLocale } from './i18n/index.ts';

/**
 * A whole HTML document as the staff UI and the customer portal both send it: the language, the
 * viewport, `title · appName`, no favicon request, one stylesheet from this server, then the body.
 */
export function htmlDocument(page: {
  locale: string;
  title: string;
  appName: string;
  stylesheet: string;
  /** Extra lines in the head (the run pages' refresh). */
  head?: SafeHtml | undefined;
  body: SafeHtml;
}): SafeHtml {
  return html`<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${page.appName}</title>
${page.head ? html`${page.head}\n` : ''}<link rel="icon" href="data:,">
<link rel="stylesheet" href="${page.stylesheet}">
</head>
<body>
${page.body}
</body>
</html>`;
}

/**
 * The language switch: one link per language to `switchPath` (the UI's /ui/lang, the portal's
 * /portal/lang) that comes back to the page, the current one marked.
 */
export function languageLinks(
  switchPath: string,
  current: { locale: string; path: string },
  options: { hreflang?: boolean } = {},
): SafeHtml[] {
  return (Object.keys(UI_LOCALES) as UiLocale[]).map(
    (l) =>
      html`<a href="${switchPath}?to=${l}&amp;next=${encodeURIComponent(current.path)}" lang="${l}"${options.hreflang ? html` hreflang="${l}"` : ''} aria-current="${String(l === current.locale)}">${l === 'zh-CN' ? '中文' : 'English'}</a>`,
  );
}

/** Remembers the language chosen with the switch for a year; anything but a UI language is ignored. */
export function rememberLanguage(reply: FastifyReply, to: unknown): void {
  if (!isUiLocale(to)) return;
  reply.setCookie(LANG_COOKIE, to, { path: '/', sameSite: 'strict', httpOnly: true, maxAge: 31_536_000 });
}
