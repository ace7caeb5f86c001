import type { AssetRecord, DraftRecord } from '../../../store/index.ts';
import type { EmailBlock, EmailOutline } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { canvasStrings } from '../i18n/studio-canvas.ts';
import { type EmailDesignerStrings, emailDesignerStrings } from '../i18n/studio-email.ts';
import { type PageContext, page } from '../layout.ts';
import { blockForms } from './studio-email-forms.ts';

export interface EmailDesignerView {
  outline: EmailOutline | undefined;
  /** The preview's locale. */
  locale: string;
  /** A stored customer whose data the preview shows (none: the package's sample data). */
  customerId?: string | undefined;
  /** The chosen block's path (`4.0.2`), if any. */
  block: string | undefined;
  assets: Pick<AssetRecord, 'name' | 'width' | 'height'>[];
  /** Changes whenever the draft's files do: the preview frames' cache-busting parameter. */
  version: string;
  message?: { kind: 'error' | 'ok'; text: string } | undefined;
}

/** The preview's locale and customer, as query parameters every link and form keeps. */
function shown(view: EmailDesignerView): Record<string, string> {
  return { locale: view.locale, ...(view.customerId ? { customerId: view.customerId } : {}) };
}

function kindLabel(e: EmailDesignerStrings, kind: EmailBlock['kind']): string {
  return e[`kinds_${kind}`];
}

/** What a block says, short: its first string in the preview's locale, or its source. */
function snippet(block: EmailBlock, locale: string): string {
  const key = block.keys[0];
  const words = key
    ? (block.strings[key]?.[locale] ?? '')
    : block.kind === 'image'
      ? (block.picture ?? '')
      : block.content;
  const plain = words
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 48 ? `${plain.slice(0, 48)}…` : plain;
}

function outlineOf(ctx: PageContext, base: string, view: EmailDesignerView, outline: EmailOutline): SafeHtml {
  const e = emailDesignerStrings(ctx.locale);
  return html`<ol class="email-outline" id="email-outline">${outline.blocks.map((b) => {
    const q = new URLSearchParams({ ...shown(view), block: b.path }).toString();
    const words = snippet(b, view.locale);
    const chosen = b.path === view.block;
    return html`<li class="depth-${String(b.depth)}${chosen ? ' chosen' : ''}" data-path="${b.path}" data-kind="${b.kind}" data-keys="${b.keys.join(' ')}"><a class="block-link" href="${base}?${q}#block-form" ${chosen ? html`aria-current="true"` : ''}>${
      b.missing.length ? html`<span class="badge-missing">${b.missing.join(', ')} ${e.missing}</span> ` : ''
    }<strong>${kindLabel(e, b.kind)}</strong>${words ? html` <span class="muted">${words}</span>` : ''}</a></li>`;
  })}</ol>`;
}

function previews(ctx: PageContext, draft: DraftRecord, view: EmailDesignerView): SafeHtml {
  const e = emailDesignerStrings(ctx.locale);
  const src = `/ui/studio/drafts/${draft.id}/email?${new URLSearchParams({ locale: view.locale, ...(view.customerId ? { customerId: view.customerId } : {}), v: view.version })}`;
  return html`<section class="card email-previews" id="email-previews"><h2>${e.preview} <small class="muted">${e.previewNote}</small></h2>
<div class="email-frames"><figure><figcaption>${e.mobile}</figcaption><iframe class="email-mobile" id="email-mobile" sandbox="" title="${e.preview} · ${e.mobile}" src="${src}"></iframe></figure>
<figure><figcaption>${e.desktop}</figcaption><iframe class="email-desktop" id="email-desktop" sandbox="" title="${e.preview} · ${e.desktop}" src="${src}"></iframe></figure></div></section>`;
}

/**
 * The e-mail designer: the blocks of email.mjml on the left, the chosen block's forms beside them,
 * and the rendered e-mail in a 375 px and a 600 px frame side by side (the editor's preview route).
 */
export function emailDesignerPage(ctx: PageContext, draft: DraftRecord, view: EmailDesignerView): SafeHtml {
  const e = emailDesignerStrings(ctx.locale);
  const base = `/ui/studio/drafts/${draft.id}/email-designer`;
  const outline = view.outline;
  const chosen = outline?.blocks.find((b) => b.path === view.block);
  const query = new URLSearchParams({
    locale: view.locale,
    ...(chosen ? { block: chosen.path } : {}),
  }).toString();
  const form = { ctx, base, query, locales: outline?.locales ?? [], assets: view.assets };
  return page(
    ctx,
    `${e.designer} · ${draft.templateName}`,
    html`<h1>${e.designer}: ${draft.templateName} <small><a href="/ui/studio/drafts/${draft.id}" id="code-view-link">${e.codeView}</a> · <a href="/ui/studio/drafts/${draft.id}/canvas">${canvasStrings(ctx.locale).canvas}</a> · <span class="status ${draft.status}">${draft.status}</span></small></h1>
<p>${e.intro}</p>
${view.message ? html`<div class="alert ${view.message.kind === 'error' ? 'error' : ''}" role="${view.message.kind === 'error' ? 'alert' : 'status'}" id="email-message">${view.message.text}</div>` : ''}
${
  outline
    ? html`<form class="search" method="get" action="${base}">
  <label>${e.locale} <select name="locale">${outline.locales.map((l) => html`<option ${l === view.locale ? 'selected' : ''}>${l}</option>`)}</select></label>
  <label>${e.customer} <input name="customerId" size="12" maxlength="100" value="${view.customerId ?? ''}"></label>
  ${chosen ? html`<input type="hidden" name="block" value="${chosen.path}">` : ''}<button type="submit">${e.refresh}</button></form>
<div class="email-designer"><nav class="card email-blocks" aria-label="${e.outline}"><h2>${e.outline}</h2>${outlineOf(ctx, base, view, outline)}</nav>
<div class="email-work"><aside class="card email-form" id="block-form">${
        chosen
          ? html`<h2>${kindLabel(e, chosen.kind)} <code>${chosen.path}</code> <small class="muted">&lt;${chosen.tag}&gt; · email.mjml:${String(chosen.line)}</small></h2>
${blockForms(form, chosen, draft.status === 'draft')}`
          : html`<p class="muted">${e.chooseBlock}</p>`
      }</aside>
${previews(ctx, draft, view)}</div></div>`
    : ''
}`,
  );
}
