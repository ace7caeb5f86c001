import type { AssetRecord } from '../../../store/index.ts';
import type { EmailBlock } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { type EmailDesignerStrings, emailDesignerStrings } from '../i18n/studio-email.ts';
import type { PageContext } from '../layout.ts';

/** What every form of the chosen block needs. */
export interface BlockFormContext {
  ctx: PageContext;
  /** `/ui/studio/drafts/<id>/email-designer` */
  base: string;
  /** The query every form posts with (locale, block). */
  query: string;
  locales: string[];
  assets: Pick<AssetRecord, 'name' | 'width' | 'height'>[];
}

const DIVIDER_COLORS = ['muted', 'primary', 'accent', 'text'];

const csrf = (ctx: PageContext) =>
  html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;

/** A template text with its `{{…}}` expressions as chips. */
export function withChips(text: string): SafeHtml {
  const parts = text.split(/(\{\{[^}]*\}\})/);
  return html`${parts.map((p) => (p.startsWith('{{') ? html`<span class="chip">${p.slice(2, -2).trim()}</span>` : p))}`;
}

/** One textarea per locale, side by side, named `<prefix>.<locale>`. */
function localeFields(
  f: BlockFormContext,
  label: string,
  values: (locale: string) => string,
  prefix = 'text',
  required = true,
): SafeHtml {
  return html`<div class="locales-side">${f.locales.map(
    (l) =>
      html`<label>${label} ${l}<br><textarea name="${prefix}.${l}" lang="${l}" ${required ? 'required' : ''} maxlength="4000" rows="3">${values(l)}</textarea></label>`,
  )}</div>`;
}

function postForm(f: BlockFormContext, action: string, id: string, body: SafeHtml): SafeHtml {
  return html`<form class="stack" method="post" action="${f.base}/${action}?${f.query}" id="${id}">${csrf(f.ctx)}${body}</form>`;
}

function textForms(f: BlockFormContext, block: EmailBlock, e: EmailDesignerStrings): SafeHtml {
  if (block.keys.length === 0)
    return html`<p class="muted">${e.fromData}</p><p class="chips">${withChips(block.content)}</p>`;
  return html`${block.keys.map((key) =>
    postForm(
      f,
      'text',
      `text-form-${key.replace(/[^\w-]/g, '-')}`,
      html`<p class="muted">${e.stringId} <code>${key}</code></p><input type="hidden" name="key" value="${key}">
${localeFields(f, e.textIn, (l) => block.strings[key]?.[l] ?? '')}
<button class="primary" type="submit">${e.saveText}</button>`,
    ),
  )}`;
}

function buttonForm(f: BlockFormContext, block: EmailBlock, e: EmailDesignerStrings): SafeHtml {
  const key =
    block.keys.length === 1 && block.content.trim() === `{{t '${block.keys[0]}'}}`
      ? block.keys[0]
      : undefined;
  return html`${key ? '' : html`<p class="muted">${e.fromData} <span class="chips">${withChips(block.content)}</span></p>`}
${postForm(
  f,
  'button',
  'button-form',
  html`<label>${e.link}<br><input type="text" inputmode="url" name="url" value="${block.attrs.href ?? ''}" required maxlength="2000" size="50"></label>
${localeFields(f, e.labelIn, (l) => (key ? (block.strings[key]?.[l] ?? '') : ''))}
<button class="primary" type="submit">${e.saveButton}</button>`,
)}`;
}

function imageForm(f: BlockFormContext, block: EmailBlock, e: EmailDesignerStrings): SafeHtml {
  const key = block.keys[0];
  return postForm(
    f,
    'image',
    'image-form',
    html`<label>${e.picture}<br><select name="asset"><option value="">${e.keepPicture}${block.picture ? ` (${block.picture})` : ''}</option>${f.assets.map(
      (a) => html`<option value="${a.name}">${a.name} (${a.width} × ${a.height})</option>`,
    )}</select></label>${f.assets.length === 0 ? html`<p class="muted">${e.noAssets} <a href="/ui/studio/assets">/ui/studio/assets</a></p>` : ''}
${localeFields(f, e.altIn, (l) => (key ? (block.strings[key]?.[l] ?? '') : ''), 'alt')}
<button class="primary" type="submit">${e.savePicture}</button>`,
  );
}

function dividerForm(f: BlockFormContext, block: EmailBlock, e: EmailDesignerStrings): SafeHtml {
  const width = Number.parseInt(block.attrs['border-width'] ?? '4', 10);
  const colour = /colors\.(\w+)/.exec(block.attrs['border-color'] ?? '')?.[1];
  return postForm(
    f,
    'divider',
    'divider-form',
    html`<label>${e.thickness} <select name="width">${[1, 2, 3, 4, 6, 8].map((w) => html`<option ${w === width ? 'selected' : ''}>${w}</option>`)}</select></label>
<label>${e.colour} <select name="color">${DIVIDER_COLORS.map((c) => html`<option ${c === colour ? 'selected' : ''}>${c}</option>`)}</select></label>
<button class="primary" type="submit">${e.saveDivider}</button>`,
  );
}

/** Move up/down and remove. */
function arrangeForms(f: BlockFormContext, e: EmailDesignerStrings): SafeHtml {
  const one = (action: string, id: string, label: string, extra: SafeHtml | string = '', cls = '') =>
    html`<form class="inline" method="post" action="${f.base}/${action}?${f.query}">${csrf(f.ctx)}${extra}<button type="submit" id="${id}" class="${cls}">${label}</button></form>`;
  return html`<p class="actions">${e.move}: ${one('move', 'move-up', e.up, html`<input type="hidden" name="direction" value="up">`)}
${one('move', 'move-down', e.down, html`<input type="hidden" name="direction" value="down">`)}
${one('remove', 'remove-block', e.remove, '', 'danger')}</p>`;
}

/** Add a text, a button or a divider after a content block (or first in a column). */
function addForms(f: BlockFormContext, e: EmailDesignerStrings): SafeHtml {
  return html`<details class="add-block" id="add-block"><summary>${e.add}</summary>
${postForm(f, 'add', 'add-text', html`<input type="hidden" name="kind" value="text">${localeFields(f, e.textIn, () => '')}<button type="submit" id="add-text-button">${e.addText}</button>`)}
${postForm(
  f,
  'add',
  'add-button',
  html`<input type="hidden" name="kind" value="button"><label>${e.link}<br><input type="url" name="url" required maxlength="2000" size="50"></label>
${localeFields(f, e.labelIn, () => '')}<button type="submit" id="add-button-button">${e.addButton}</button>`,
)}
${postForm(f, 'add', 'add-divider', html`<input type="hidden" name="kind" value="divider"><button type="submit" id="add-divider-button">${e.addDivider}</button>`)}
</details>`;
}

function sectionForm(f: BlockFormContext, e: EmailDesignerStrings): SafeHtml {
  return html`<details class="add-block" id="add-section"><summary>${e.addSection}</summary>
${postForm(
  f,
  'section',
  'add-section-form',
  html`<fieldset><legend>${e.addSection}</legend><label><input type="radio" name="columns" value="1" checked> ${e.oneColumn}</label>
<label><input type="radio" name="columns" value="2"> ${e.twoColumns}</label></fieldset>
${localeFields(f, e.leftIn, () => '')}${localeFields(f, e.rightIn, () => '', 'text2', false)}
<button type="submit" id="add-section-button">${e.addSectionButton}</button>`,
)}</details>`;
}

/** The chosen block's forms: its own properties, then arranging and adding. */
export function blockForms(f: BlockFormContext, block: EmailBlock, editable: boolean): SafeHtml {
  const e = emailDesignerStrings(f.ctx.locale);
  const own =
    block.kind === 'text'
      ? textForms(f, block, e)
      : block.kind === 'button'
        ? buttonForm(f, block, e)
        : block.kind === 'image'
          ? imageForm(f, block, e)
          : block.kind === 'divider'
            ? dividerForm(f, block, e)
            : block.kind === 'section' || block.kind === 'column'
              ? html``
              : html`<p class="muted">${e.notEditable}</p>`;
  if (!editable) return own;
  const fixed = block.kind === 'condition' || block.kind === 'include';
  return html`${own}
${fixed ? '' : arrangeForms(f, e)}
${block.depth === 2 || block.kind === 'column' ? addForms(f, e) : ''}
${block.kind === 'section' ? sectionForm(f, e) : ''}`;
}
