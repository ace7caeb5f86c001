import type YAML from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import { MissiveError } from '../core/errors.ts';
import { parsedYaml } from './parsed-yaml.ts';

/**
 * Edits on the page (issue 21 items 1–2): a text block's strings in every locale, and a new paragraph
 * after a body block. They write the same files the code view edits — the locale JSON files and
 * print.yaml — and print.yaml is changed by inserting one line of text, so its comments, flow style
 * and line breaks stay exactly as the author left them.
 */
export type DraftFiles = Readonly<Record<string, string>>;

/** A body text block as the canvas form shows it. */
export interface TextBlockView {
  /** `body[7]` */
  path: string;
  /** The block's template as written in print.yaml. */
  template: string;
  /** The locale string ids its `{{t '…'}}` names, in order. */
  keys: string[];
  /** For each key, the string in each locale (undefined: missing). */
  strings: Record<string, Record<string, string | undefined>>;
  /** Locales missing at least one of the keys (the badge on the block). */
  missing: string[];
}

const T_CALL = /\{\{\s*t\s+'([^']+)'/g;
const MAX_TEXT = 4000;

export function badInput(field: string, message: string): MissiveError {
  return new MissiveError('MSV_API_BAD_REQUEST', `${field}: ${message}`, { field });
}

/** The manifest's locales (none when it does not parse). */
export function manifestLocales(files: DraftFiles): string[] {
  try {
    const manifest = JSON.parse(files['manifest.json'] ?? '{}') as { locales?: unknown };
    if (Array.isArray(manifest.locales)) return manifest.locales.filter((l) => typeof l === 'string');
  } catch {
    // A broken manifest: the lint says so; no locales to edit.
  }
  return [];
}

/** A locale file's strings; refuses a file that is not a JSON object. */
export function localeStrings(files: DraftFiles, locale: string): Record<string, unknown> {
  const file = `locales/${locale}.json`;
  const text = files[file];
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badInput(file, 'is not a JSON object of strings; fix it in the code view first');
}

function bodyItems(files: DraftFiles): { doc: YAML.Document.Parsed; items: unknown[] } {
  const text = files['print.yaml'];
  if (text === undefined) throw badInput('print.yaml', 'the draft has no print layout');
  const doc = parsedYaml(text);
  if (doc.errors.length > 0) throw badInput('print.yaml', `does not parse: ${doc.errors[0]?.message ?? ''}`);
  const body = doc.get('body');
  if (!isSeq(body)) throw badInput('print.yaml', 'has no body list');
  return { doc, items: body.items };
}

/** The body's text blocks with their strings in every locale of the manifest. */
export function textBlocksOf(files: DraftFiles): TextBlockView[] {
  const locales = manifestLocales(files);
  const dictionaries = Object.fromEntries(locales.map((l) => [l, localeStrings(files, l)]));
  const out: TextBlockView[] = [];
  for (const [i, item] of bodyItems(files).items.entries()) {
    if (!isMap(item) || item.get('type') !== 'text') continue;
    const template = item.get('text');
    if (typeof template !== 'string') continue;
    const keys = [...template.matchAll(T_CALL)].map((m) => m[1] ?? '');
    const strings: TextBlockView['strings'] = {};
    const missing = new Set<string>();
    for (const key of keys) {
      strings[key] = {};
      for (const locale of locales) {
        const value = dictionaries[locale]?.[key];
        strings[key][locale] = typeof value === 'string' ? value : undefined;
        if (typeof value !== 'string' || value.trim() === '') missing.add(locale);
      }
    }
    out.push({ path: `body[${i}]`, template, keys, strings, missing: [...missing] });
  }
  return out;
}

function checkTexts(files: DraftFiles, texts: Readonly<Record<string, string>>): string[] {
  const locales = manifestLocales(files);
  if (locales.length === 0) throw badInput('manifest.json', 'names no locales');
  for (const locale of Object.keys(texts)) {
    if (!locales.includes(locale))
      throw badInput(`text.${locale}`, `not a locale of this template (${locales.join(', ')})`);
  }
  for (const locale of locales) {
    const text = texts[locale];
    if (text === undefined || text.trim() === '')
      throw badInput(`text.${locale}`, 'is empty: write it in every locale');
    if (text.length > MAX_TEXT) throw badInput(`text.${locale}`, `is longer than ${MAX_TEXT} characters`);
  }
  return locales;
}

/**
 * The locale files with `key` set to each locale's text (every locale of the manifest must have one).
 * Other keys keep their order; a new key goes last.
 */
export function setStrings(
  files: DraftFiles,
  key: string,
  texts: Readonly<Record<string, string>>,
): Record<string, string> {
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(key))
    throw badInput('key', 'letters, digits, dots, dashes or underscores');
  const changes: Record<string, string> = {};
  for (const locale of checkTexts(files, texts)) {
    const strings = { ...localeStrings(files, locale), [key]: texts[locale] ?? '' };
    changes[`locales/${locale}.json`] = `${JSON.stringify(strings, null, 2)}\n`;
  }
  return changes;
}

/** A string id no locale file uses yet: `custom.paragraph1`, `custom.paragraph2`, … */
export function newStringId(files: DraftFiles): string {
  const used = new Set(manifestLocales(files).flatMap((l) => Object.keys(localeStrings(files, l))));
  for (let n = 1; ; n++) if (!used.has(`custom.paragraph${n}`)) return `custom.paragraph${n}`;
}

/**
 * Adds a paragraph after body block `after` (its index): a text block naming a new string id, and that
 * string in every locale file. print.yaml gets one new line after the block's last line, indented as
 * the block's dash; nothing else in it changes. Returns the changed files and the new block's path.
 */
export function addParagraph(
  files: DraftFiles,
  after: number,
  texts: Readonly<Record<string, string>>,
): { changes: Record<string, string>; path: string; key: string } {
  const { items } = bodyItems(files);
  if (!Number.isInteger(after) || after < 0 || after >= items.length)
    throw badInput('after', `not a body block (0..${items.length - 1})`);
  const key = newStringId(files);
  const changes = setStrings(files, key, texts);
  const source = files['print.yaml'] ?? '';
  const node = items[after];
  const range = (isMap(node) || isScalar(node) || isSeq(node) ? node.range : undefined) ?? undefined;
  if (!range) throw badInput('after', 'that block has no position in print.yaml');
  const lineStart = source.lastIndexOf('\n', range[0] - 1) + 1;
  const indent = /^\s*/.exec(source.slice(lineStart))?.[0] ?? '';
  let end = source.indexOf('\n', Math.max(range[1] - 1, range[0]));
  if (end < 0) end = source.length;
  const line = `${indent}- { type: text, text: "{{t '${key}'}}", spaceAfter: 3mm }`;
  const yaml = `${source.slice(0, end)}\n${line}${source.slice(end)}`;
  const check = bodyItems({ 'print.yaml': yaml }).items[after + 1];
  if (!isMap(check) || check.get('text') !== `{{t '${key}'}}`)
    throw badInput('after', 'print.yaml could not take a line after that block; add it in the code view');
  changes['print.yaml'] = yaml;
  return { changes, path: `body[${after + 1}]`, key };
}

/**
 * The files with every locale's missing strings taken from another locale that has them, so the
 * canvas still draws a draft whose translation is incomplete (compiling refuses a missing key) and
 * shows the gap as a badge on its block. Only for drawing: never saved.
 */
export function withMissingFilled(files: DraftFiles): DraftFiles {
  const locales = manifestLocales(files);
  let dictionaries: Record<string, Record<string, unknown>>;
  try {
    dictionaries = Object.fromEntries(locales.map((l) => [l, localeStrings(files, l)]));
  } catch {
    return files;
  }
  const out: Record<string, string> = { ...files };
  for (const locale of locales) {
    const own = dictionaries[locale] ?? {};
    const filled = { ...own };
    for (const other of locales)
      for (const [key, value] of Object.entries(dictionaries[other] ?? {}))
        if (typeof filled[key] !== 'string' && typeof value === 'string') filled[key] = value;
    if (Object.keys(filled).length !== Object.keys(own).length)
      out[`locales/${locale}.json`] = JSON.stringify(filled);
  }
  return out;
}
