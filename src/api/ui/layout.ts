import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { pathOf } from '../plugins/errors.ts';
import { html, type SafeHtml } from './html.ts';
import { htmlDocument, languageLinks } from './html-document.ts';
import type { UiStrings } from './i18n/en-GB.ts';
import { localeOf, stringsFor, type UiLocale } from './i18n/index.ts';
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
        ${role === 'admin' ? html`<a href="/ui/corrections">${t.approvals}</a><a href="/ui/admin/users">${t.users}</a><a href="/ui/admin/audit">${t.auditLog}</a>` : ''}
      </nav>`
    : html`<nav></nav>`;
  const langs = languageLinks('/ui/lang', ctx);
  const signOut = principal
    ? html`<span class="who">${principal.user} (${t[`role.${principal.role}`]})</span>
        <a class="zone" href="/ui/settings" title="${t.settings}">${t.timesIn} ${ctx.timeZone}</a>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${principal.csrfToken ?? ''}"><button type="submit">${t.signOut}</button></form>`
    : '';
  return htmlDocument({
    locale: ctx.locale,
    title,
    appName: t.appName,
    stylesheet: '/assets/app.css',
    head: options.refreshSeconds
      ? html`<meta http-equiv="refresh" content="${String(options.refreshSeconds)}">`
      : undefined,
    body: html`<header class="bar"><a class="app" href="/">${t.appName}</a>${nav}<span class="lang" aria-label="${t.language}">${langs}</span>${signOut}</header>
<main>${body}</main>`,
  });
}

export function sendPage(reply: FastifyReply, content: SafeHtml, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(content.value);
}
