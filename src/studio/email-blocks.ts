import { badInput, type DraftFiles, localeStrings, manifestLocales } from './block-edits.ts';
import { attrOf, childTagged, type MjmlElement, parseMjmlSource } from './mjml-source.ts';

/**
 * The e-mail designer's outline (issue 21 item 5): a draft's email.mjml as a list of blocks —
 * sections of mj-body, their columns, and each column's content (text, image, button, divider …) —
 * each with a stable path (`2`, `2.0`, `2.0.3`: indexes among the elements of mj-body, of the section,
 * of the column) and, for text and buttons, the strings their `{{t '…'}}` calls name in every locale.
 */
export type { DraftFiles };

export type EmailBlockKind =
  | 'section'
  | 'column'
  | 'text'
  | 'image'
  | 'button'
  | 'divider'
  | 'spacer'
  | 'social'
  | 'table'
  | 'condition'
  | 'include'
  | 'other';

const KINDS: Readonly<Record<string, EmailBlockKind>> = {
  'mj-section': 'section',
  'mj-wrapper': 'section',
  'mj-hero': 'section',
  'mj-column': 'column',
  'mj-group': 'column',
  'mj-text': 'text',
  'mj-image': 'image',
  'mj-button': 'button',
  'mj-divider': 'divider',
  'mj-spacer': 'spacer',
  'mj-social': 'social',
  'mj-table': 'table',
  'mj-raw': 'condition',
  'mj-include': 'include',
};

export interface EmailBlock {
  path: string;
  kind: EmailBlockKind;
  tag: string;
  /** 0 section, 1 column, 2 content. */
  depth: number;
  line: number;
  attrs: Record<string, string>;
  /** The source between the tags (text, button label, raw HTML); empty for self-closing ones. */
  content: string;
  /** The string ids `{{t '…'}}` names in the content, in order (a button's label, a text's words). */
  keys: string[];
  /** For each key, its string in each locale (undefined: missing). */
  strings: Record<string, Record<string, string | undefined>>;
  /** Locales missing at least one of the keys. */
  missing: string[];
  /** An image's library picture when its src is `{{image 'name.png' 'images'}}`. */
  picture?: string;
}

export interface EmailOutline {
  locales: string[];
  blocks: EmailBlock[];
}

export const T_CALL = /\{\{\s*t\s+'([^']+)'\s*\}\}/g;
const PICTURE = /^\{\{\s*image\s+'([\w-]+\.(?:png|jpe?g))'\s+'images'\s*\}\}$/i;

/** email.mjml's mj-body element and the source. */
export function emailBody(files: DraftFiles): { source: string; body: MjmlElement } {
  const source = files['email.mjml'];
  if (source === undefined) throw badInput('email.mjml', 'the draft has no e-mail');
  const body = childTagged(parseMjmlSource(source), 'mj-body');
  if (!body) throw badInput('email.mjml', 'has no <mj-body>');
  return { source, body };
}

/** The element at a block path (`2.0.3`), with its parent. */
export function elementAt(body: MjmlElement, path: string): { el: MjmlElement; parent: MjmlElement } {
  if (!/^\d{1,3}(\.\d{1,3}){0,2}$/.test(path)) throw badInput('block', `not a block path: ${path}`);
  let parent = body;
  let el: MjmlElement | undefined;
  for (const index of path.split('.').map(Number)) {
    if (el) parent = el;
    el = parent.children[index];
    if (!el) throw badInput('block', `no block ${path} in email.mjml`);
  }
  return { el: el as MjmlElement, parent };
}

function blockOf(
  source: string,
  el: MjmlElement,
  path: string,
  depth: number,
  dictionaries: Record<string, Record<string, unknown>>,
): EmailBlock {
  const content = el.selfClosing || depth < 2 ? '' : source.slice(el.innerStart, el.innerEnd);
  const attrs = Object.fromEntries(el.attrs.map((a) => [a.name, a.value]));
  // A content block's words: its text, or an image's alt.
  const words = el.tag === 'mj-image' ? (attrs.alt ?? '') : content;
  const keys = [...new Set([...words.matchAll(T_CALL)].map((m) => m[1] ?? ''))];
  const strings: EmailBlock['strings'] = {};
  const missing = new Set<string>();
  for (const key of keys) {
    strings[key] = {};
    for (const [locale, dictionary] of Object.entries(dictionaries)) {
      const value = dictionary[key];
      strings[key][locale] = typeof value === 'string' ? value : undefined;
      if (typeof value !== 'string' || value.trim() === '') missing.add(locale);
    }
  }
  const picture = PICTURE.exec(attrOf(el, 'src') ?? '')?.[1];
  return {
    path,
    kind: KINDS[el.tag] ?? 'other',
    tag: el.tag,
    depth,
    line: el.line,
    attrs,
    content,
    keys,
    strings,
    missing: [...missing],
    ...(picture ? { picture } : {}),
  };
}

/** The e-mail's blocks in document order: each section, then its columns, each followed by its content. */
export function emailBlocksOf(files: DraftFiles): EmailOutline {
  const locales = manifestLocales(files);
  const dictionaries = Object.fromEntries(locales.map((l) => [l, localeStrings(files, l)]));
  const { source, body } = emailBody(files);
  const blocks: EmailBlock[] = [];
  const walk = (el: MjmlElement, path: string, depth: number): void => {
    blocks.push(blockOf(source, el, path, depth, dictionaries));
    if (depth >= 2 || ['mj-raw', 'mj-include'].includes(el.tag)) return;
    for (const [i, child] of el.children.entries()) walk(child, `${path}.${i}`, depth + 1);
  };
  for (const [i, child] of body.children.entries()) walk(child, String(i), 0);
  return { locales, blocks };
}
