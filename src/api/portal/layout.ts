import { html, type SafeHtml } from '../ui/html.ts';
import { htmlDocument, languageLinks } from '../ui/html-document.ts';
import type { PortalContext } from './context.ts';

/**
 * A portal page: a skip link, the bank's bar (navigation when signed in, language, sign-out), then
 * the content in `<main id="main">`. No script; one stylesheet from this server, made for phones first.
 */
export function portalPage(ctx: PortalContext, title: string, body: SafeHtml, head?: SafeHtml): SafeHtml {
  const { t } = ctx;
  const current = (href: string) => (ctx.path === href || ctx.path.startsWith(`${href}/`) ? 'page' : 'false');
  const nav = ctx.signedIn
    ? html`<nav aria-label="${t.appName}"><a href="/portal/documents" aria-current="${current('/portal/documents')}">${t.documents}</a><a href="/portal/offers" aria-current="${current('/portal/offers')}">${t.offers}</a><a href="/portal/preferences" aria-current="${current('/portal/preferences')}">${t.preferences}</a></nav>`
    : '';
  const langs = languageLinks('/portal/lang', ctx, { hreflang: true });
  const signOut =
    ctx.signedIn || ctx.linkSession
      ? html`<form method="post" action="/portal/sign-out" class="sign-out"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit">${t.signOut}</button></form>`
      : '';
  return htmlDocument({
    locale: ctx.locale,
    title,
    appName: t.appName,
    stylesheet: '/portal/assets/portal.css',
    head,
    body: html`<a class="skip" href="#main">${t.skipToContent}</a>
<header class="bar"><a class="brand" href="/portal">${ctx.brandName ? html`<img class="logo" src="/portal/assets/logo" alt="${ctx.brandName}"> ` : ''}${t.appName}</a><span class="lang" role="group" aria-label="${t.language}">${langs}</span>${signOut}</header>
${nav}
<main id="main" tabindex="-1">${body}</main>`,
  });
}
