import { html, type SafeHtml } from '../ui/html.ts';
import { PORTAL_LOCALES, type PortalContext, type PortalUiLocale } from './context.ts';

/**
 * A portal page: a skip link, the bank's bar (navigation when signed in, language, sign-out), then
 * the content in `<main id="main">`. No script; one stylesheet from this server, made for phones first.
 */
export function portalPage(ctx: PortalContext, title: string, body: SafeHtml): SafeHtml {
  const { t } = ctx;
  const current = (href: string) => (ctx.path === href || ctx.path.startsWith(`${href}/`) ? 'page' : 'false');
  const nav = ctx.signedIn
    ? html`<nav aria-label="${t.appName}"><a href="/portal/documents" aria-current="${current('/portal/documents')}">${t.documents}</a><a href="/portal/offers" aria-current="${current('/portal/offers')}">${t.offers}</a><a href="/portal/preferences" aria-current="${current('/portal/preferences')}">${t.preferences}</a></nav>`
    : '';
  const langs = (Object.keys(PORTAL_LOCALES) as PortalUiLocale[]).map(
    (l) =>
      html`<a href="/portal/lang?to=${l}&amp;next=${encodeURIComponent(ctx.path)}" lang="${l}" hreflang="${l}" aria-current="${String(l === ctx.locale)}">${l === 'zh-CN' ? '中文' : 'English'}</a>`,
  );
  const signOut = ctx.signedIn
    ? html`<form method="post" action="/portal/sign-out" class="sign-out"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit">${t.signOut}</button></form>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.appName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/portal/assets/portal.css">
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="bar"><a class="brand" href="/portal">${t.appName}</a><span class="lang" role="group" aria-label="${t.language}">${langs}</span>${signOut}</header>
${nav}
<main id="main" tabindex="-1">${body}</main>
</body>
</html>`;
}
