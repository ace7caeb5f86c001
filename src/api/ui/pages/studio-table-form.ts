import type { TableBlockView, TableColumnView } from '../../../studio/heavy.ts';
import { html, type SafeHtml } from '../html.ts';
import { type TableStrings, tableStrings } from '../i18n/studio-table.ts';
import type { PageContext } from '../layout.ts';

/** What the table form shows after an edit: the lines it moved off a removed column. */
export interface TableNotice {
  line: 'carry' | 'total';
  from: string;
  to: string;
}

const ALIGNS = ['left', 'center', 'right', 'justify'] as const;
const MM_PER_PT = 25.4 / 72;

function alignSelect(t: TableStrings, name: string, value: string, id: string): SafeHtml {
  return html`<label>${t.align}<br><select name="${name}" id="${id}">${ALIGNS.map(
    (a) => html`<option value="${a}" ${a === value ? 'selected' : ''}>${t[a]}</option>`,
  )}</select></label>`;
}

function headerInputs(
  view: TableBlockView,
  t: TableStrings,
  prefix: string,
  column?: TableColumnView,
): SafeHtml {
  return html`<div class="locales-side">${view.locales.map(
    (l) =>
      html`<label>${t.headerIn} ${l}<br><input name="${prefix}.${l}" lang="${l}" required maxlength="200" value="${column?.headers[l] ?? ''}"></label>`,
  )}</div>`;
}

function columnFieldset(
  view: TableBlockView,
  t: TableStrings,
  column: TableColumnView,
  at: number,
): SafeHtml {
  const id = column.id;
  const carry = view.carryColumn === id;
  const total = view.totalColumn === id;
  return html`<fieldset class="table-column${carry ? ' carry' : ''}" data-column="${id}">
<legend>${t.column} ${at + 1}: <code>${id}</code> <small class="muted">${column.value}</small>${carry ? html` <span class="chip">${t.carryHere}</span>` : ''}${total ? html` <span class="chip">${t.totalHere}</span>` : ''}</legend>
${headerInputs(view, t, `header.${id}`, column)}
<div class="column-props"><label>${t.width}<br><input name="width.${id}" value="${column.width}" required maxlength="12" size="6"></label>
${alignSelect(t, `align.${id}`, column.align, `align-${id}`)}
<span class="column-actions"><button type="submit" name="action" value="up:${id}" formnovalidate ${at === 0 ? 'disabled' : ''}>${t.up}</button>
<button type="submit" name="action" value="down:${id}" formnovalidate ${at === view.columns.length - 1 ? 'disabled' : ''}>${t.down}</button>
<button type="submit" name="action" value="remove:${id}" formnovalidate ${view.columns.length === 1 ? 'disabled' : ''}>${t.remove}</button></span></div>
${carry ? html`<p class="muted">${t.carryWillMove}</p>` : ''}</fieldset>`;
}

function noticeOf(t: TableStrings, view: TableBlockView, notices: readonly TableNotice[]): SafeHtml {
  if (notices.length === 0) return html``;
  const name = (id: string) => {
    const c = view.columns.find((col) => col.id === id);
    return c ? `${c.headers[view.locales[0] ?? ''] ?? id} (${id})` : id;
  };
  return html`<div class="alert" role="status" id="table-notice">${notices.map(
    (n) =>
      html`<p>${(n.line === 'carry' ? t.carryMoved : t.totalMoved).replace('{from}', n.from).replace('{to}', name(n.to))}</p>`,
  )}</div>`;
}

function addColumnForm(view: TableBlockView, t: TableStrings, action: string, csrf: SafeHtml): SafeHtml {
  if (view.rowFields.length === 0) return html``;
  return html`<form class="stack" method="post" action="${action}" id="add-column">${csrf}
<h3>${t.addColumn}</h3><input type="hidden" name="action" value="add">
<label>${t.field}<br><select name="field" id="add-column-field">${view.rowFields.map(
    (f) =>
      html`<option value="${f.path}">${f.path} (${f.type})${f.description ? ` — ${f.description}` : ''}</option>`,
  )}</select></label>
${headerInputs(view, t, 'header.new')}
<div class="column-props"><label>${t.width}<br><input name="width.new" value="*" required maxlength="12" size="6"></label>
${alignSelect(t, 'align.new', 'left', 'align-new')}</div>
<button class="primary" type="submit" id="add-column-button">${t.addButton}</button></form>`;
}

/** The chosen table block's form: each column's headers (every locale), width, alignment and actions. */
export function tableForm(
  ctx: PageContext,
  action: string,
  view: TableBlockView,
  notices: readonly TableNotice[],
  editable: boolean,
): SafeHtml {
  const t = tableStrings(ctx.locale);
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">`;
  const mm = `${(view.textWidth * MM_PER_PT).toFixed(1)}mm`;
  return html`<form class="stack" method="post" action="${action}" id="table-form">${csrf}
<h3>${t.columns} <small>${t.rowsFrom} <code>${view.rows}</code></small></h3>
${noticeOf(t, view, notices)}
<p class="muted">${t.widthsHint} ${mm}.</p>
${view.columns.map((c, i) => columnFieldset(view, t, c, i))}
${editable ? html`<button class="primary" type="submit" name="action" value="save" id="save-columns">${t.save}</button>` : ''}</form>
${editable ? addColumnForm(view, t, action, csrf) : ''}`;
}
