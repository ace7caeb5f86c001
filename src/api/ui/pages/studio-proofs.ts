import type { DraftRecord } from '../../../store/index.ts';
import type { ProofCase } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { type PageContext, page } from '../layout.ts';

export interface ProofView {
  locale: string;
  locales: string[];
  customerId: string | undefined;
  /** Print pages (0: the template does not print). */
  pages: number;
  /** The e-mail and SMS channels a test can go to. */
  testChannels: string[];
  /** The configured test address per channel (the form's default). */
  testTo: Record<string, string>;
  message?: { kind: 'error' | 'ok'; text: string };
}

const query = (v: { locale: string; customerId?: string | undefined }, extra: Record<string, string> = {}) =>
  new URLSearchParams({
    locale: v.locale,
    ...(v.customerId ? { customerId: v.customerId } : {}),
    ...extra,
  }).toString();

/**
 * A draft's proofs: every print page at 150 dpi (zoom 50–200 %, or open a page on its own), the proof
 * PDF, "send me a test" by e-mail or SMS, and a link to the proof set. Works without JavaScript except
 * the zoom buttons (a page image still opens at full size).
 */
export function proofsPage(ctx: PageContext, draft: DraftRecord, view: ProofView): SafeHtml {
  const { t } = ctx;
  const base = `/ui/studio/drafts/${draft.id}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;
  const pages = Array.from({ length: view.pages }, (_, i) => i + 1);
  return page(
    ctx,
    `${t.studioProofs} · ${draft.templateName}`,
    html`<h1>${t.studioProofs}: ${draft.templateName} <small><a href="${base}"><code>${draft.id}</code></a> · <span class="status ${draft.status}">${draft.status}</span></small></h1>
${view.message ? html`<div class="alert ${view.message.kind === 'error' ? 'error' : ''}" role="${view.message.kind === 'error' ? 'alert' : 'status'}" id="proof-message">${view.message.text}</div>` : ''}
<form class="search" method="get" action="${base}/proofs">
  <label>${t.studioLocale} <select name="locale">${view.locales.map((l) => html`<option ${l === view.locale ? 'selected' : ''}>${l}</option>`)}</select></label>
  <label>${t.studioCustomer} <input name="customerId" size="10" maxlength="100" value="${view.customerId ?? ''}"></label>
  <button type="submit">${t.studioRefresh}</button>
  <a href="${base}/proof-set" id="proof-set-link">${t.studioProofSet}</a>
</form>
${
  view.testChannels.length
    ? html`<form class="search" method="post" action="${base}/test?${query(view)}" id="send-test">${csrf}
  <select name="channel" aria-label="${t.studioSendTest}">${view.testChannels.map((c) => html`<option>${c}</option>`)}</select>
  <label>${t.studioTestTo} <input name="to" size="28" maxlength="200" value="${view.testTo[view.testChannels[0] ?? ''] ?? ''}"></label>
  <button type="submit" id="send-test-button">${t.studioSendTest}</button>
</form>`
    : ''
}
${
  view.pages
    ? html`<section class="card"><h2>${t.studioPrint} · <span id="proof-pages">${view.pages}</span>
  <a href="${base}/proof.pdf?${query(view)}" id="proof-pdf" download>${t.studioProofPdf}</a></h2>
<p class="zoom" role="group" aria-label="${t.studioZoom}">${t.studioZoom}: <button type="button" data-zoom="fit" aria-pressed="true">↔</button>${[
        50, 100, 200,
      ].map(
        (z) =>
          html`<button type="button" data-zoom="${String(z)}" aria-pressed="false">${String(z)} %</button>`,
      )}</p>
<div id="proof-pages-list" class="proof-pages">${pages.map(
        (n) =>
          html`<a href="${base}/proof/${String(n)}?${query(view)}" target="_blank" rel="noopener"><img class="proof-page" alt="${t.studioPrint} ${String(n)}" src="${base}/proof/${String(n)}?${query(view)}"></a>`,
      )}</div></section>`
    : ''
}
<script src="/assets/studio-proofs.js"></script>`,
  );
}

/** The proof set: each case with its locale, customer, what made it a case, its pages and first page. */
export function proofSetPage(ctx: PageContext, draft: DraftRecord, cases: ProofCase[]): SafeHtml {
  const { t } = ctx;
  const base = `/ui/studio/drafts/${draft.id}`;
  const label = {
    sample: t.studioProofSample,
    'longest-name': t.studioProofLongestName,
    'most-rows': t.studioProofMostRows,
  };
  return page(
    ctx,
    `${t.studioProofSet} · ${draft.templateName}`,
    html`<h1>${t.studioProofSet}: ${draft.templateName} <small><a href="${base}/proofs">${t.studioProofs}</a></small></h1>
<div class="proof-set" id="proof-set">${cases.map(
      (c) => html`<figure class="card proof-case" data-case="${c.kind}" data-locale="${c.locale}">
<figcaption><strong>${label[c.kind]}</strong> · ${c.locale}${c.customerId ? html` · <code>${c.customerId}</code>` : ''}${c.measure !== undefined ? html` · <span class="measure">${String(c.measure)} ${c.kind === 'most-rows' ? t.studioProofRows : t.studioProofChars}</span>` : ''}${c.pages !== undefined ? html` · ${t.studioPrint} ${String(c.pages)}` : ''}</figcaption>
${
  c.error
    ? html`<p class="issues"><span class="error">${c.error}</span></p>`
    : c.pages
      ? html`<a href="${base}/proofs?${query(c)}"><img alt="${label[c.kind]} ${c.locale}" src="${base}/page/1?${query(c)}"></a>`
      : html`<a href="${base}/proofs?${query(c)}">${t.studioProofs}</a>`
}
</figure>`,
    )}</div>`,
  );
}
