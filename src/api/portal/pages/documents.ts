import type { PortalDocument } from '../../../portal/index.ts';
import { html, SafeHtml } from '../../ui/html.ts';
import type { PortalContext } from '../context.ts';
import type { PortalStrings } from '../i18n/en-GB.ts';
import { portalPage } from '../layout.ts';
import { linkScopeNotice } from './document-link.ts';

/** "Statement", "Bill"… for a communication type; the type's own name when there is no label. */
export function typeLabel(t: PortalStrings, type: string): string {
  return t[`type.${type}` as keyof PortalStrings] ?? type;
}

/** The period a document is about: its as-of month, in the page's language. */
export function periodLabel(locale: string, asOf: string): string {
  const date = new Date(`${asOf}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return asOf;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(date);
}

export function dateLabel(locale: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
}

export function documentsPage(
  ctx: PortalContext,
  page: { documents: PortalDocument[]; next: string | undefined; first: boolean },
): SafeHtml {
  const { t, locale } = ctx;
  const items = page.documents.map(
    (d) => html`<li data-id="${d.id}"><a href="/portal/documents/${encodeURIComponent(d.id)}">
  <span class="title">${typeLabel(t, d.type)} · ${periodLabel(locale, d.asOf)}</span>
  <span class="muted">${dateLabel(locale, d.createdAt)} · ${t[`channel.${d.channel}`]}</span>
</a></li>`,
  );
  const pager = html`<div class="pager">${page.first ? html`<span></span>` : html`<a href="/portal/documents">${t.newest}</a>`}${page.next ? html`<a rel="next" href="/portal/documents?after=${page.next}">${t.older}</a>` : ''}</div>`;
  return portalPage(
    ctx,
    t.documents,
    html`<h1>${t.documents}</h1>${
      page.documents.length === 0
        ? html`<p class="card">${t.noDocuments}</p>`
        : html`<ul class="documents" id="documents" aria-label="${t.documents}">${items}</ul>`
    }${pager}`,
  );
}

export type DocumentView =
  /**
   * The document as a web page (the template's web.hbs over the sealed inputs, escaped by
   * Handlebars; src/portal/web-view.ts), with the PDF one tap away: the printed PDF, or the PDF the
   * e-mail carried (`pdf` undefined when it carried none).
   */
  | { kind: 'web'; html: string; lang: string; pdf: string | undefined; email: boolean }
  | { kind: 'print' }
  | { kind: 'email' }
  | { kind: 'sms'; text: string }
  | { kind: 'tampered' };

export function documentPage(ctx: PortalContext, document: PortalDocument, view: DocumentView): SafeHtml {
  const { t, locale } = ctx;
  const id = encodeURIComponent(document.id);
  const title = `${typeLabel(t, document.type)} · ${periodLabel(locale, document.asOf)}`;
  const body =
    view.kind === 'tampered'
      ? html`<div class="alert error" role="alert" id="tampered">${t.tampered}</div>`
      : html`<div class="alert ok" role="status" id="verified">${t.verified} <span class="muted">sha256 <code id="sha256">${document.sha256}</code></span></div>
${
  view.kind === 'web'
    ? html`<p class="actions">${view.pdf ? html`<a class="button primary" id="open-pdf" href="${view.pdf}">${t.openPdf}</a> ` : ''}${view.email ? html`<a id="show-email" href="/portal/documents/${id}/email">${t.showEmail}</a>` : ''}</p>
<section id="web-view" aria-label="${t.webView}" lang="${view.lang}">${new SafeHtml(view.html)}</section>`
    : view.kind === 'print'
      ? html`<p class="actions"><a class="button primary" id="open-pdf" href="/portal/documents/${id}/file">${t.openPdf}</a></p>
<iframe class="document" id="document" title="${t.pdfFrame}" src="/portal/documents/${id}/file"></iframe>`
      : view.kind === 'email'
        ? html`<iframe class="document" id="document" title="${t.emailFrame}" sandbox="" src="/portal/documents/${id}/email"></iframe>`
        : html`<section class="card" aria-label="${t.smsText}"><p id="sms">${view.text}</p></section>`
}`;
  return portalPage(
    ctx,
    title,
    html`${ctx.linkSession ? linkScopeNotice(ctx) : html`<p><a href="/portal/documents">← ${t.backToDocuments}</a></p>`}
<h1>${title}</h1>
<p class="muted">${dateLabel(locale, document.createdAt)} · ${t[`channel.${document.channel}`]}</p>
${body}`,
  );
}
