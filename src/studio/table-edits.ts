import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { badInput, type DraftFiles, localeStrings, manifestLocales } from './block-edits.ts';
import { type ColumnForm, checkWidths, columnFields, newColumn } from './table-columns.ts';
import { type TableBlockView, tableBlockOf, tableNode } from './table-view.ts';
import { applySplices, flowMap, itemLines, type Splice, valueSpan } from './yaml-splice.ts';

/**
 * Table columns edited on the page (issue 21 item 1): remove, move, add, and each column's header (in
 * every locale), width and alignment. print.yaml changes only where the columns (and a carry or total
 * line that named a removed column) are written; the locale files get or lose the header strings.
 */
export type TableEdit =
  | { kind: 'remove'; id: string }
  | { kind: 'move'; id: string; by: -1 | 1 }
  | { kind: 'add'; field: string; form: ColumnForm }
  | { kind: 'save'; columns: Readonly<Record<string, ColumnForm>> };

/** A carried-forward (`carry`) or total line moved off a removed column. */
export interface MovedLine {
  line: 'carry' | 'total';
  from: string;
  to: string;
}

export interface TableEditResult {
  changes: Record<string, string>;
  moved: MovedLine[];
}

interface Editing {
  files: DraftFiles;
  source: string;
  table: YAMLMap;
  columns: Node[];
  view: TableBlockView;
}

function columnAt(e: Editing, id: string): number {
  const at = e.view.columns.findIndex((c) => c.id === id);
  if (at < 0) throw badInput('column', `no column ${id} (${e.view.columns.map((c) => c.id).join(', ')})`);
  return at;
}

function linesOf(e: Editing, at: number): [number, number] {
  const node = e.columns[at];
  const lines = node ? itemLines(e.source, node) : undefined;
  if (!lines) throw badInput('columns', 'a column has no position in print.yaml; edit it in the code view');
  return lines;
}

/** Where a removed column's carry/total line goes: the last right-aligned column left, else the last. */
function newHome(e: Editing, removed: string): string {
  const left = e.view.columns.filter((c) => c.id !== removed);
  return (left.findLast((c) => c.align === 'right') ?? left[left.length - 1])?.id ?? '';
}

function moveLines(e: Editing, removed: string): { splices: Splice[]; moved: MovedLine[] } {
  const splices: Splice[] = [];
  const moved: MovedLine[] = [];
  for (const line of ['carry', 'total'] as const) {
    const map = e.table.get(line, true);
    const column = isMap(map) ? map.get('column', true) : undefined;
    if (!isScalar(column) || column.value !== removed) continue;
    const span = valueSpan(e.source, column);
    if (!span) throw badInput(`${line}.column`, 'has no position in print.yaml');
    const to = newHome(e, removed);
    splices.push({ start: span[0], end: span[1], text: to });
    moved.push({ line, from: removed, to });
  }
  return { splices, moved };
}

/** The locale files without `key`, unless a file of the template other than them still names it. */
function withoutKey(files: DraftFiles, yaml: string, key: string | undefined): Record<string, string> {
  if (!key) return {};
  const quoted = new RegExp(`['"]${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`);
  const others = Object.entries({ ...files, 'print.yaml': yaml }).filter(([f]) => !f.startsWith('locales/'));
  if (others.some(([, text]) => quoted.test(text))) return {};
  const changes: Record<string, string> = {};
  for (const locale of manifestLocales(files)) {
    const { [key]: _gone, ...rest } = localeStrings(files, locale);
    if (_gone !== undefined) changes[`locales/${locale}.json`] = `${JSON.stringify(rest, null, 2)}\n`;
  }
  return changes;
}

function remove(e: Editing, id: string): TableEditResult {
  if (e.view.columns.length === 1) throw badInput('column', 'a table keeps at least one column');
  const at = columnAt(e, id);
  const [start, end] = linesOf(e, at);
  const { splices, moved } = moveLines(e, id);
  const yaml = applySplices(e.source, [...splices, { start, end, text: '' }]);
  const key = e.view.columns[at]?.headerKey;
  return { changes: { ...withoutKey(e.files, yaml, key), 'print.yaml': yaml }, moved };
}

function move(e: Editing, id: string, by: -1 | 1): TableEditResult {
  const at = columnAt(e, id);
  const other = at + by;
  if (other < 0 || other >= e.columns.length)
    throw badInput('column', `${id} is already the ${by < 0 ? 'first' : 'last'} column`);
  const a = linesOf(e, Math.min(at, other));
  const b = linesOf(e, Math.max(at, other));
  const yaml = applySplices(e.source, [
    { start: a[0], end: a[1], text: e.source.slice(b[0], b[1]) },
    { start: b[0], end: b[1], text: e.source.slice(a[0], a[1]) },
  ]);
  return { changes: { 'print.yaml': yaml }, moved: [] };
}

function add(e: Editing, field: string, form: ColumnForm): TableEditResult {
  const { column, strings } = newColumn(e.files, e.view, field, form);
  checkWidths(e.view, [...e.view.columns.map((c) => c.width), String(column.width)]);
  const last = e.columns[e.columns.length - 1];
  const lines = linesOf(e, e.columns.length - 1);
  const dashAt = last ? (valueSpan(e.source, last)?.[0] ?? lines[0]) : lines[0];
  const prefix = e.source.slice(lines[0], dashAt);
  const yaml = applySplices(e.source, [
    { start: lines[1], end: lines[1], text: `${prefix}${flowMap(column)}\n` },
  ]);
  return { changes: { ...strings, 'print.yaml': yaml }, moved: [] };
}

function save(e: Editing, forms: Readonly<Record<string, ColumnForm>>): TableEditResult {
  checkWidths(
    e.view,
    e.view.columns.map((c) => forms[c.id]?.width ?? c.width),
  );
  const splices: Splice[] = [];
  let changes: Record<string, string> = {};
  for (const [at, view] of e.view.columns.entries()) {
    const form = forms[view.id];
    const node = e.columns[at];
    if (!form || !isMap(node)) continue;
    const edited = columnFields({ ...e.files, ...changes }, view, form);
    changes = { ...changes, ...edited.strings };
    if (!edited.column) continue;
    const span = valueSpan(e.source, node);
    if (!span) throw badInput('columns', 'a column has no position in print.yaml');
    splices.push({ start: span[0], end: span[1], text: flowMap(edited.column) });
  }
  return { changes: { ...changes, 'print.yaml': applySplices(e.source, splices) }, moved: [] };
}

/** Checks the edited print.yaml still has the table at `index`, now with `count` columns. */
function checked(files: DraftFiles, index: number, count: number, result: TableEditResult): TableEditResult {
  const yaml = result.changes['print.yaml'];
  const after = yaml === undefined ? undefined : tableNode({ ...files, 'print.yaml': yaml }, index).table;
  const columns = after?.get('columns');
  if (!isSeq(columns) || columns.items.length !== count || !columns.items.every((c) => isMap(c)))
    throw badInput('columns', 'print.yaml could not take this change; make it in the code view');
  return result;
}

/** Applies one edit to the table at body[`index`]: the changed files and the lines it moved. */
export function editTable(files: DraftFiles, index: number, edit: TableEdit): TableEditResult {
  const { table } = tableNode(files, index);
  const columns = table.get('columns');
  const e: Editing = {
    files,
    source: files['print.yaml'] ?? '',
    table,
    columns: isSeq(columns) ? (columns.items as Node[]) : [],
    view: tableBlockOf(files, index),
  };
  const n = e.columns.length;
  if (edit.kind === 'remove') return checked(files, index, n - 1, remove(e, edit.id));
  if (edit.kind === 'move') return checked(files, index, n, move(e, edit.id, edit.by));
  if (edit.kind === 'add') return checked(files, index, n + 1, add(e, edit.field, edit.form));
  return checked(files, index, n, save(e, edit.columns));
}
