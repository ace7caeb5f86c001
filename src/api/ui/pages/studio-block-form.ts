import type { BlockBox } from '../../../render/heavy.ts';
import type { BlockProps, DraftCanvas, RuleForm, RuleOp } from '../../../studio/heavy.ts';
import { BUILDER_OPS } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { type BlockFormStrings, blockFormStrings } from '../i18n/studio-blocks.ts';
import type { PageContext } from '../layout.ts';

/** The chosen body block's order, spacing and visibility rule (issue 21 item 1). */
export interface BlockFormView {
  index: number;
  /** How many body blocks there are. */
  count: number;
  props: BlockProps;
  rule: RuleForm;
  /** The data contract's fields the rule builder offers (path and JSON Schema type). */
  fields: readonly { path: string; type?: string }[];
}

/** How many edits of the draft can be undone and redone. */
export interface HistoryView {
  undo: number;
  redo: number;
}

function opLabel(b: BlockFormStrings, op: RuleOp): string {
  const labels: Record<RuleOp, string> = {
    '': b.opNone,
    set: b.opSet,
    'not-set': b.opNotSet,
    '==': b.opEquals,
    '!=': b.opNotEquals,
    '>': b.opGreater,
    '<': b.opLess,
    '>=': b.opAtLeast,
    '<=': b.opAtMost,
  };
  return labels[op];
}

/** The block's condition in words: "Shown only when customer.segment equals 'gold'". */
export function readableRule(b: BlockFormStrings, rule: RuleForm): SafeHtml {
  if (rule.op === '') return html`${b.always}`;
  const value = rule.op === 'set' || rule.op === 'not-set' ? '' : ` ${rule.value}`;
  return html`${b.shownWhen} <strong><code>${rule.field}</code> ${opLabel(b, rule.op)}${value}</strong>`;
}

function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;
}

/**
 * Undo / Redo for the whole draft, and the form a dragged block is dropped with (filled by
 * studio-blocks.js). `query` keeps the locale and chosen block.
 */
export function historyBar(ctx: PageContext, base: string, query: string, history: HistoryView): SafeHtml {
  const b = blockFormStrings(ctx.locale);
  return html`<div class="history-bar" id="history-bar">
<form method="post" action="${base}/canvas/undo?${query}">${csrfField(ctx)}<button type="submit" id="undo-button" aria-keyshortcuts="Control+Z" ${history.undo === 0 ? 'disabled' : ''}>${b.undo}</button></form>
<form method="post" action="${base}/canvas/redo?${query}">${csrfField(ctx)}<button type="submit" id="redo-button" aria-keyshortcuts="Control+Shift+Z" ${history.redo === 0 ? 'disabled' : ''}>${b.redo}</button></form>
<small class="muted">${b.historyHint}</small>
<form method="post" action="${base}/canvas/move?${query}" id="move-drop" hidden>${csrfField(ctx)}
<input type="hidden" name="from"><input type="hidden" name="target"><input type="hidden" name="place"></form></div>`;
}

function orderSection(ctx: PageContext, action: string, view: BlockFormView): SafeHtml {
  const b = blockFormStrings(ctx.locale);
  const move = (id: string, to: number, label: string, off: boolean) =>
    html`<form method="post" action="${action}">${csrfField(ctx)}<input type="hidden" name="from" value="${view.index}"><input type="hidden" name="to" value="${to}"><button type="submit" id="${id}" ${off ? 'disabled' : ''}>${label}</button></form>`;
  return html`<section id="block-order"><h3>${b.order}</h3><div class="row-buttons">${move('move-up', view.index - 1, b.moveUp, view.index === 0)}
${move('move-down', view.index + 1, b.moveDown, view.index >= view.count - 1)}</div>
<p class="muted">${b.dragHint}</p></section>`;
}

function ruleBuilder(b: BlockFormStrings, view: BlockFormView): SafeHtml {
  const { rule } = view;
  const paths = view.fields.map((f) => f.path);
  if (rule.field && !paths.includes(rule.field)) paths.unshift(rule.field);
  const ops = BUILDER_OPS.includes(rule.op) ? BUILDER_OPS : [...BUILDER_OPS, rule.op];
  return html`<fieldset id="rule-builder"><legend>${b.visibility}</legend>
<p id="rule-readable">${readableRule(b, rule)}</p>
<label>${b.field} <select name="rule.field"><option value=""></option>${paths.map(
    (p) => html`<option ${p === rule.field ? 'selected' : ''}>${p}</option>`,
  )}</select></label>
<label>${b.operator} <select name="rule.op">${ops.map(
    (op) => html`<option value="${op}" ${op === rule.op ? 'selected' : ''}>${opLabel(b, op)}</option>`,
  )}</select></label>
<label>${b.value} <input name="rule.value" value="${rule.value}" maxlength="200"></label></fieldset>`;
}

/** The block form's order buttons, spacing and rule builder; `action` is `…/canvas` plus `?query`. */
export function blockForm(
  ctx: PageContext,
  base: string,
  query: string,
  view: BlockFormView,
  editable: boolean,
): SafeHtml {
  const b = blockFormStrings(ctx.locale);
  const space = (name: 'spaceBefore' | 'spaceAfter', label: string) =>
    html`<label>${label} <input type="number" name="${name}" min="0" max="50" step="0.1" inputmode="decimal" value="${view.props[name] ?? ''}"></label>`;
  if (!editable) return html`<p class="muted" id="rule-readable">${readableRule(b, view.rule)}</p>`;
  return html`${orderSection(ctx, `${base}/canvas/move?${query}`, view)}
<form class="stack" method="post" action="${base}/canvas/props?${query}" id="block-props">${csrfField(ctx)}
<fieldset><legend>${b.spacing}</legend>${space('spaceBefore', b.spaceBefore)} ${space('spaceAfter', b.spaceAfter)}
<small class="muted">${b.spacingHint}</small></fieldset>
${ruleBuilder(b, view)}
<button class="primary" type="submit" id="save-block">${b.saveBlock}</button></form>`;
}

/**
 * A header or footer band's box on a page (the block map has them, issue 21 item 5): outlined, not a
 * block of the body; it leads to the code view, where bands are edited.
 */
export function bandBox(ctx: PageContext, codeView: string, box: BlockBox): SafeHtml {
  const b = blockFormStrings(ctx.locale);
  const name = box.path === 'footer' ? b.footer : b.header;
  return html`<a class="block-box band-box" data-path="${box.path}" href="${codeView}" aria-label="${name} (${box.path}): ${b.bandHint}">
<title>${name}: ${b.bandHint}</title><rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}"></rect></a>`;
}

/**
 * The body blocks that have no box on these pages (their condition is false for this sample, or they
 * draw nothing), as links that choose them: a hidden block stays reachable.
 */
export function hiddenBlocks(
  ctx: PageContext,
  href: (path: string) => string,
  canvas: DraftCanvas,
): SafeHtml {
  const b = blockFormStrings(ctx.locale);
  const boxed = new Set(canvas.boxes.map((box) => box.path));
  const hidden = Object.keys(canvas.types).filter((path) => !boxed.has(path));
  if (hidden.length === 0) return html``;
  return html`<p id="hidden-blocks">${b.hidden} ${hidden.map(
    (path) => html`<a href="${href(path)}" data-path="${path}">${path} (${canvas.types[path] ?? ''})</a> `,
  )}</p>`;
}
