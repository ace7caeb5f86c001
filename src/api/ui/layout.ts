import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { pathOf } from '../plugins/errors.ts';
import { html, type SafeHtml } from './html.ts';
import type { UiStrings } from './i18n/en-GB.ts';
import { localeOf, stringsFor, UI_LOCALES, type UiLocale } from './i18n/index.ts';
import { defaultTimeZone } from './time.ts';

/** What every page knows: the strings of the chosen language, who is signed in, where we are. */
export interface PageContext {
  t: UiStrings;
  locale: UiLocale;
  principal: Principal | undefined;
  path: string;
  /** The IANA zone times are shown in: the user's choice, else the language's default (ui/time.ts). */
  timeZone: string;
}

export function pageContext(request: FastifyRequest): PageContext {
  const locale = localeOf(request);
  const timeZone = request.principal?.timeZone ?? defaultTimeZone(locale);
  return { t: stringsFor(locale), locale, principal: request.principal, path: pathOf(request.url), timeZone };
}

/** A whole page: header (navigation by role, language switch, sign-out), then the body. */
export function page(
  ctx: PageContext,
  title: string,
  body: SafeHtml,
  options: { refreshSeconds?: number } = {},
): SafeHtml {
  const { t, principal } = ctx;
  const role = principal?.role;
  const nav = principal
    ? html`<nav>
        ${role === 'agent' || role === 'admin' ? html`<a href="/ui/search">${t.search}</a>` : ''}
        ${role === 'marketer' || role === 'admin' ? html`<a href="/ui/studio">${t.studio}</a>` : ''}
        <a href="/ui/runs">${t.runs}</a>
        ${role === 'marketer' || role === 'admin' ? html`<a href="/ui/reports">${t.reports}</a>` : ''}
        ${role === 'admin' ? html`<a href="/ui/admin/users">${t.users}</a><a href="/ui/admin/audit">${t.auditLog}</a>` : ''}
      </nav>`
    : html`<nav></nav>`;
  const langs = (Object.keys(UI_LOCALES) as UiLocale[]).map(
    (l) =>
      html`<a href="/ui/lang?to=${l}&amp;next=${encodeURIComponent(ctx.path)}" lang="${l}" aria-current="${String(l === ctx.locale)}">${l === 'zh-CN' ? '中文' : 'English'}</a>`,
  );
  const signOut = principal
    ? html`<span class="who">${principal.user} (${principal.role})</span>
        <a class="zone" href="/ui/settings" title="${t.settings}">${t.timesIn} ${ctx.timeZone}</a>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${principal.csrfToken ?? ''}"><button type="submit">${t.signOut}</button></form>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.appName}</title>
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${String(options.refreshSeconds)}">` : ''}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="bar"><a class="app" href="/">${t.appName}</a>${nav}<span class="lang" aria-label="${t.language}">${langs}</span>${signOut}</header>
<main>${body}</main>
</body>
</html>`;
}

export function sendPage(reply: FastifyReply, content: SafeHtml, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(content.value);
}
