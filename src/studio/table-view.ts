import YAML, { isMap, isSeq, type YAMLMap } from 'yaml';
import { PAGE_SIZES, toPoints } from '../templates/index.ts';
import { badInput, type DraftFiles, localeStrings, manifestLocales } from './block-edits.ts';
import { type ContractField, listItemFields } from './contract-fields.ts';
import { parsedYaml } from './parsed-yaml.ts';

/** A table column as the canvas's table form shows it. */
export interface TableColumnView {
  id: string;
  /** The header as written in print.yaml (`{{t 'table.date'}}`). */
  header: string;
  /** The locale string id the header names, if it is a single `{{t '…'}}`. */
  headerKey?: string;
  /** The header text in each locale (the key's strings, or the literal header in every locale). */
  headers: Record<string, string | undefined>;
  value: string;
  /** As written: `20mm`, `*`, `2*`, or points. */
  width: string;
  align: string;
}

/** A body table block as its form shows it. */
export interface TableBlockView {
  /** `body[5]` */
  path: string;
  /** The list of the data its rows come from (`transactions`). */
  rows: string;
  columns: TableColumnView[];
  /** The column the carried-forward / brought-forward lines are drawn in, and the total line's. */
  carryColumn?: string;
  totalColumn?: string;
  /** The fields of the rows' items in the data contract: what a new column can show. */
  rowFields: ContractField[];
  locales: string[];
  /** The page's text width (page width less the left and right margins), in points. */
  textWidth: number;
}

const HEADER_KEY = /^\{\{\s*t\s+'([^']+)'\s*\}\}$/;

/** print.yaml as a Document, and the body table at `index`. Refuses anything else. */
export function tableNode(files: DraftFiles, index: number): { doc: YAML.Document.Parsed; table: YAMLMap } {
  const text = files['print.yaml'];
  if (text === undefined) throw badInput('print.yaml', 'the draft has no print layout');
  const doc = parsedYaml(text);
  if (doc.errors.length > 0) throw badInput('print.yaml', `does not parse: ${doc.errors[0]?.message ?? ''}`);
  const body = doc.get('body');
  const table = isSeq(body) ? body.items[index] : undefined;
  if (!isMap(table) || table.get('type') !== 'table')
    throw badInput('block', `body[${index}] is not a table of this layout`);
  if (!isSeq(table.get('columns'))) throw badInput('columns', 'the table has no list of columns');
  return { doc, table };
}

/** The page's text width in points: page width less the left and right margins. */
export function textWidthOf(doc: YAML.Document.Parsed): number {
  const page = doc.toJS().page as { size?: string; margins?: Record<string, string | number> } | undefined;
  const size = PAGE_SIZES[(page?.size ?? 'A4') as keyof typeof PAGE_SIZES] ?? PAGE_SIZES.A4;
  const margin = (side: string) => toPoints(page?.margins?.[side] ?? 0) ?? 0;
  return size[0] - margin('left') - margin('right');
}

/** The header key of a column's header template, if it is exactly `{{t '…'}}`. */
export function headerKeyOf(header: string): string | undefined {
  return HEADER_KEY.exec(header.trim())?.[1];
}

function columnView(
  item: Record<string, unknown>,
  dictionaries: Record<string, Record<string, unknown>>,
): TableColumnView {
  const header = String(item.header ?? '');
  const key = headerKeyOf(header);
  const headers = Object.fromEntries(
    Object.entries(dictionaries).map(([locale, strings]) => {
      const text = key === undefined ? header : strings[key];
      return [locale, typeof text === 'string' ? text : undefined];
    }),
  );
  return {
    id: String(item.id ?? ''),
    header,
    ...(key ? { headerKey: key } : {}),
    headers,
    value: String(item.value ?? ''),
    width: String(item.width ?? '*'),
    align: String(item.align ?? 'left'),
  };
}

/** The body table at `index` with its columns' headers in every locale and its rows' contract fields. */
export function tableBlockOf(files: DraftFiles, index: number): TableBlockView {
  const { doc, table } = tableNode(files, index);
  const locales = manifestLocales(files);
  const dictionaries = Object.fromEntries(locales.map((l) => [l, localeStrings(files, l)]));
  const plain = table.toJS(doc) as {
    rows?: string;
    columns: Record<string, unknown>[];
    carry?: { column?: string };
    total?: { column?: string };
  };
  const rows = String(plain.rows ?? '');
  return {
    path: `body[${index}]`,
    rows,
    columns: plain.columns.map((c) => columnView(c, dictionaries)),
    ...(plain.carry?.column ? { carryColumn: plain.carry.column } : {}),
    ...(plain.total?.column ? { totalColumn: plain.total.column } : {}),
    rowFields: listItemFields(files, rows),
    locales,
    textWidth: textWidthOf(doc),
  };
}
