import type { BlockBox } from '../../../render/heavy.ts';
import type { DraftRecord } from '../../../store/index.ts';
import type { ContractField, DraftCanvas, TableBlockView, TextBlockView } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { canvasStrings } from '../i18n/studio-canvas.ts';
import { type PageContext, page } from '../layout.ts';
import {
  type BlockFormView,
  bandBox,
  blockForm,
  type HistoryView,
  hiddenBlocks,
  historyBar,
} from './studio-block-form.ts';
import { type TableNotice, tableForm } from './studio-table-form.ts';

export interface CanvasView {
  canvas: DraftCanvas | undefined;
  /** The chosen block's path (`body[3]`), if any. */
  block: string | undefined;
  /** The data contract's fields, inserted into a text as `{{field}}`. */
  fields: ContractField[];
  /** The chosen block's columns when it is a table, and the lines the last table edit moved. */
  table?: TableBlockView | undefined;
  tableNotices?: TableNotice[];
  message?: { kind: 'error' | 'ok'; text: string } | undefined;
  /** The chosen body block's order, spacing and visibility rule; the draft's undo/redo counts. */
  blockForm?: BlockFormView | undefined;
  history?: HistoryView | undefined;
}

/** A template text with its `{{…}}` variables as chips. */
function withChips(text: string): SafeHtml {
  const parts = text.split(/(\{\{[^}]*\}\})/);
  return html`${parts.map((p) => (p.startsWith('{{') ? html`<span class="chip">${p.slice(2, -2).trim()}</span>` : p))}`;
}

function boxLabel(ctx: PageContext, canvas: DraftCanvas, path: string): string {
  const c = canvasStrings(ctx.locale);
  const text = canvas.texts[path];
  const first = text?.keys[0] ? (text.strings[text.keys[0]]?.[canvas.locale] ?? '') : '';
  const words = first ? `: ${first.length > 60 ? `${first.slice(0, 60)}…` : first}` : '';
  // The badge's text leads the name: a link's name starts with what it shows (WCAG 2.5.3).
  const missing = text?.missing.length ? `${text.missing.join(', ')} ${c.missing} · ` : '';
  return `${missing}${c.block} ${path} (${canvas.types[path] ?? ''})${words}`;
}

function boxOf(
  ctx: PageContext,
  href: string,
  canvas: DraftCanvas,
  box: BlockBox,
  chosen: boolean,
): SafeHtml {
  const c = canvasStrings(ctx.locale);
  const label = boxLabel(ctx, canvas, box.path);
  const missing = canvas.texts[box.path]?.missing ?? [];
  const badge = `${missing.join(', ')} ${c.missing}`;
  // Width of the badge's text at 9 units: about 5.5 per Latin character, 9 per Chinese one.
  const badgeWidth = [...badge].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 9 : 5.5), 8);
  return html`<a class="block-box${chosen ? ' chosen' : ''}" data-path="${box.path}" href="${href}" aria-label="${label}">
<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}"></rect>${
    missing.length
      ? html`<g class="badge" data-missing="${missing.join(' ')}"><rect class="badge-bg" x="${box.x + box.width - badgeWidth}" y="${box.y}" width="${badgeWidth}" height="13"></rect><text class="badge-text" x="${box.x + box.width - 4}" y="${box.y + 10}" text-anchor="end">${badge}</text></g>`
      : ''
  }</a>`;
}

function pagesOf(ctx: PageContext, draft: DraftRecord, view: CanvasView, canvas: DraftCanvas): SafeHtml {
  const c = canvasStrings(ctx.locale);
  const base = `/ui/studio/drafts/${draft.id}`;
  const q = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ locale: canvas.locale, ...extra }).toString();
  return html`${Array.from({ length: canvas.pages }, (_, i) => i + 1).map(
    (
      n,
    ) => html`<div class="canvas-page" data-page="${n}"><img src="${base}/canvas/page/${n}?${q({ scale: '1' })}" srcset="${base}/canvas/page/${n}?${q({ scale: '2' })} 2x" alt="${c.pageLabel} ${n}">
<svg class="block-map" viewBox="0 0 ${canvas.pageWidth} ${canvas.pageHeight}" preserveAspectRatio="none" role="group" aria-label="${c.pageLabel} ${n}">${canvas.boxes
      .filter((b) => b.page === n)
      .map((b) =>
        b.path.startsWith('body[')
          ? boxOf(ctx, `${base}/canvas?${q({ block: b.path })}#block-form`, canvas, b, b.path === view.block)
          : bandBox(ctx, base, b),
      )}</svg></div>`,
  )}`;
}

function localeFields(canvas: DraftCanvas, values: (locale: string) => string, label: string): SafeHtml {
  return html`<div class="locales-side">${canvas.locales.map(
    (
      l,
    ) => html`<label>${label} ${l}<br><textarea name="text.${l}" lang="${l}" required maxlength="4000">${values(l)}</textarea>
${values(l) ? html`<span class="chips" aria-hidden="true">${withChips(values(l))}</span>` : ''}</label>`,
  )}</div>`;
}

function textForm(ctx: PageContext, action: string, canvas: DraftCanvas, text: TextBlockView): SafeHtml {
  const c = canvasStrings(ctx.locale);
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;
  if (text.keys.length === 0)
    return html`<p class="muted">${c.noText}</p><p class="chips">${withChips(text.template)}</p>`;
  return html`${text.keys.map(
    (key) => html`<form class="stack text-form" method="post" action="${action}">${csrf}
<h3>${c.editText} <small>${c.stringId} <code>${key}</code></small></h3>
<input type="hidden" name="key" value="${key}">
${localeFields(canvas, (l) => text.strings[key]?.[l] ?? '', c.textIn)}
<button class="primary" type="submit">${c.save}</button></form>`,
  )}`;
}

/** The data contract's fields as buttons that insert `{{field}}` into the chosen locale's text. */
function fieldList(ctx: PageContext, canvas: DraftCanvas, fields: readonly ContractField[]): SafeHtml {
  const c = canvasStrings(ctx.locale);
  return html`<section id="insert-field"><h3>${c.variables}</h3><p class="muted">${c.insertField}</p>
<label>${c.insertInto} <select id="insert-locale">${canvas.locales.map((l) => html`<option>${l}</option>`)}</select></label>
<ul class="field-list" id="contract-fields">${fields.map(
    (f) =>
      html`<li><button type="button" class="chip" data-insert="{{${f.path}}}" title="${f.description ?? f.type}">${f.path}</button>${f.description ? html` <small class="muted">${f.description}</small>` : ''}</li>`,
  )}</ul></section>`;
}

/** The draft's canvas: its pages with a box per body block, and the chosen block's forms beside them. */
export function canvasPage(ctx: PageContext, draft: DraftRecord, view: CanvasView): SafeHtml {
  const c = canvasStrings(ctx.locale);
  const base = `/ui/studio/drafts/${draft.id}`;
  const canvas = view.canvas;
  const locale = canvas?.locale ?? '';
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;
  const chosen = view.block && canvas ? canvas.types[view.block] : undefined;
  const index = view.block ? Number(/^body\[(\d+)\]$/.exec(view.block)?.[1] ?? -1) : -1;
  const text = view.block ? canvas?.texts[view.block] : undefined;
  const q = new URLSearchParams({ locale, ...(view.block ? { block: view.block } : {}) }).toString();
  return page(
    ctx,
    `${c.canvas} · ${draft.templateName}`,
    html`<h1>${c.canvas}: ${draft.templateName} <small><a href="${base}" id="code-view-link">${c.codeView}</a> · <a href="${base}/proofs">${ctx.t.studioProofs}</a> · <span class="status ${draft.status}">${draft.status}</span></small></h1>
<p>${c.canvasIntro}</p>
${view.message ? html`<div class="alert ${view.message.kind === 'error' ? 'error' : ''}" role="${view.message.kind === 'error' ? 'alert' : 'status'}" id="canvas-message">${view.message.text}</div>` : ''}
${
  canvas
    ? html`<form class="search" method="get" action="${base}/canvas">
  <label>${ctx.t.studioLocale} <select name="locale">${canvas.locales.map((l) => html`<option ${l === locale ? 'selected' : ''}>${l}</option>`)}</select></label>
  <button type="submit">${ctx.t.studioRefresh}</button></form>
${draft.status === 'draft' && view.history ? historyBar(ctx, base, q, view.history) : ''}
${hiddenBlocks(ctx, (path) => `${base}/canvas?${new URLSearchParams({ locale, block: path })}#block-form`, canvas)}
<div class="canvas-layout"><div class="canvas-pages" id="canvas-pages">${pagesOf(ctx, draft, view, canvas)}</div>
<aside class="card canvas-form" id="block-form">${
        chosen === undefined
          ? html`<p class="muted">${c.chooseBlock}</p>`
          : html`<h2>${c.block} <code>${view.block}</code> · ${chosen}</h2>
${view.blockForm ? blockForm(ctx, base, q, view.blockForm, draft.status === 'draft') : ''}
${text ? textForm(ctx, `${base}/canvas/text?${q}`, canvas, text) : ''}
${view.table ? tableForm(ctx, `${base}/canvas/table?${q}`, view.table, view.tableNotices ?? [], draft.status === 'draft') : ''}
${
  draft.status === 'draft'
    ? html`<form class="stack" method="post" action="${base}/canvas/add?${q}" id="add-paragraph">${csrf}
<h3>${c.addParagraph}</h3><input type="hidden" name="after" value="${index}">
${localeFields(canvas, () => '', c.textIn)}
<button class="primary" type="submit" id="add-paragraph-button">${c.addButton}</button></form>`
    : ''
}
${fieldList(ctx, canvas, view.fields)}`
      }</aside></div>
<script src="/assets/studio-canvas.js" defer></script>
<script src="/assets/studio-blocks.js" defer></script>`
    : ''
}`,
  );
}
