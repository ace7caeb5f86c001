import { toPoints } from '../templates/index.ts';
import { badInput, type DraftFiles, localeStrings, manifestLocales, setStrings } from './block-edits.ts';
import type { TableBlockView, TableColumnView } from './table-view.ts';

/** What the table form sends for one column: its header in each locale, width and alignment. */
export interface ColumnForm {
  headers: Readonly<Record<string, string>>;
  width: string;
  align: string;
}

const ALIGNS = ['left', 'center', 'right', 'justify'];
const FLEX = /^(\d+(\.\d+)?)?\*$/;
const MM_PER_PT = 25.4 / 72;

/** A width as print.yaml takes it: `*`/`2*`, a length (`20mm`), or a plain number of points. */
function widthValue(field: string, width: string): string | number {
  const w = width.trim();
  if (FLEX.test(w)) return w;
  if (/^\d+(\.\d+)?$/.test(w)) return Number(w);
  if (toPoints(w) === undefined)
    throw badInput(field, 'a width such as 20mm, 1.5cm, 10pt, or * (a share of what is left)');
  return w;
}

function alignValue(field: string, align: string): string {
  if (!ALIGNS.includes(align)) throw badInput(field, `one of ${ALIGNS.join(', ')}`);
  return align;
}

/**
 * Refuses fixed widths that add up to more than the page's text width (the `*` columns share what is
 * left, so they are kept as they are).
 */
export function checkWidths(view: TableBlockView, widths: readonly string[]): void {
  let fixed = 0;
  for (const w of widths) {
    const value = widthValue('width', w);
    if (typeof value === 'string' && FLEX.test(value)) continue;
    fixed += typeof value === 'number' ? value : (toPoints(value) ?? 0);
  }
  if (fixed > view.textWidth + 0.01) {
    const mm = (pt: number) => `${(pt * MM_PER_PT).toFixed(1)}mm`;
    throw badInput(
      'width',
      `the fixed column widths add up to ${mm(fixed)}, wider than the page's text width of ${mm(view.textWidth)}: make a column narrower or its width * (a share of what is left)`,
    );
  }
}

/** A header string id no locale file uses yet: `table.<id>`, `table.<id>2`, … */
function newHeaderKey(files: DraftFiles, id: string): string {
  const used = new Set(manifestLocales(files).flatMap((l) => Object.keys(localeStrings(files, l))));
  for (let n = 1; ; n++) {
    const key = n === 1 ? `table.${id}` : `table.${id}${n}`;
    if (!used.has(key)) return key;
  }
}

function columnObject(view: TableColumnView, header: string, form: ColumnForm): Record<string, unknown> {
  const width = widthValue(`width.${view.id}`, form.width);
  const align = alignValue(`align.${view.id}`, form.align);
  return { id: view.id, header, value: view.value, width, ...(align === 'left' ? {} : { align }) };
}

/**
 * A column edited by the form: the locale files with its header strings, and the column as print.yaml
 * should write it (undefined when print.yaml need not change). A header that was literal text becomes a
 * string id (`table.<id>`) when its text now differs between locales or from what was written.
 */
export function columnFields(
  files: DraftFiles,
  view: TableColumnView,
  form: ColumnForm,
): { column?: Record<string, unknown>; strings: Record<string, string> } {
  const locales = manifestLocales(files);
  const same = locales.every((l) => (form.headers[l] ?? '') === (view.headers[l] ?? ''));
  let header = view.header;
  let strings: Record<string, string> = {};
  if (!same) {
    const key = view.headerKey ?? newHeaderKey(files, view.id);
    strings = setStrings(files, key, form.headers);
    header = `{{t '${key}'}}`;
  }
  const unchanged = header === view.header && form.width.trim() === view.width && form.align === view.align;
  return unchanged ? { strings } : { column: columnObject(view, header, form), strings };
}

/** The value a new column shows for `field`: money like the table's other money columns, else as is. */
function valueFor(view: TableBlockView, field: string, type: string): string {
  const money = view.columns
    .map((c) => /^\{\{money row\.[\w.]+ ([\w.]+)\}\}$/.exec(c.value)?.[1])
    .find(Boolean);
  if ((type === 'number' || type === 'integer') && money) return `{{money row.${field} ${money}}}`;
  return `{{row.${field}}}`;
}

/**
 * A new column showing the rows' contract field `field`: the column for print.yaml and its header
 * string in every locale file (a new id, `table.<column id>`).
 */
export function newColumn(
  files: DraftFiles,
  view: TableBlockView,
  field: string,
  form: ColumnForm,
): { column: Record<string, unknown>; strings: Record<string, string> } {
  const contract = view.rowFields.find((f) => f.path === field);
  if (!contract)
    throw badInput(
      'field',
      `not a field of the ${view.rows} rows (${view.rowFields.map((f) => f.path).join(', ')})`,
    );
  const ids = new Set(view.columns.map((c) => c.id));
  const base = field.replace(/[^\w-]/g, '_');
  let id = base;
  for (let n = 2; ids.has(id); n++) id = `${base}${n}`;
  const key = newHeaderKey(files, id);
  const strings = setStrings(files, key, form.headers);
  const draft: TableColumnView = {
    id,
    header: '',
    headers: {},
    value: valueFor(view, field, contract.type),
    width: '',
    align: 'left',
  };
  return { column: columnObject(draft, `{{t '${key}'}}`, form), strings };
}
