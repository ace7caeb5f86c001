import { badInput, type DraftFiles, localeStrings, manifestLocales, setStrings } from './block-edits.ts';
import { elementAt, emailBody, T_CALL } from './email-blocks.ts';
import type { MjmlElement } from './mjml-source.ts';

/**
 * The e-mail designer's edits (issue 21 item 5). Each returns the changed files — email.mjml and the
 * locale files, the same files the code view edits — and email.mjml changes only where the edit is:
 * an attribute value replaced, a block's lines inserted, removed or swapped by their source ranges.
 * Indentation, attribute order, comments and Handlebars expressions elsewhere stay as written.
 */
export type Texts = Readonly<Record<string, string>>;
export interface EmailEdit {
  changes: Record<string, string>;
  /** The block to show chosen after the edit. */
  block?: string;
}

/** A string id no locale file uses yet: `email.custom.text1`, `email.custom.button2` … */
export function newEmailKey(files: DraftFiles, kind: string, taken: readonly string[] = []): string {
  const used = new Set([
    ...taken,
    ...manifestLocales(files).flatMap((l) => Object.keys(localeStrings(files, l))),
  ]);
  for (let n = 1; ; n++) if (!used.has(`email.custom.${kind}${n}`)) return `email.custom.${kind}${n}`;
}

/** Characters that would end an attribute value or start a tag, escaped. */
function attrText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** An absolute http(s) URL: the SMTP sender's tracking rewrites exactly these into short tracked links. */
export function trackableUrl(value: string): string {
  const url = value.trim();
  let ok = /^https?:\/\/[^/?#\s]/i.test(url) && !url.includes('{{');
  try {
    new URL(url);
  } catch {
    ok = false;
  }
  if (!ok || url.length > 2000)
    throw badInput('url', 'an absolute http(s) address (https://…), so the e-mail can track the click');
  return url;
}

function withSource(files: DraftFiles, source: string, changes: Record<string, string> = {}) {
  // The result must still scan: an edit never leaves the author a broken file.
  emailBody({ ...files, 'email.mjml': source });
  return { ...changes, 'email.mjml': source };
}

/** The source with an attribute set (value replaced in place, or added at the end of the opening tag). */
function setAttr(source: string, el: MjmlElement, name: string, value: string): string {
  const attr = el.attrs.find((a) => a.name === name);
  const escaped = attrText(value);
  if (attr && attr.valueStart !== attr.valueEnd)
    return source.slice(0, attr.valueStart) + escaped + source.slice(attr.valueEnd);
  if (attr) return `${source.slice(0, attr.start)} ${name}="${escaped}"${source.slice(attr.end)}`;
  const tagEnd = el.innerStart - (el.selfClosing ? 2 : 1);
  const at = /\s$/.test(source.slice(0, tagEnd)) ? tagEnd - 1 : tagEnd;
  return `${source.slice(0, at)} ${name}="${escaped}"${source.slice(at)}`;
}

/** Several attributes of the element at `path`, one after the other (the source is read again after each). */
function setAttrs(files: DraftFiles, source: string, path: string, pairs: [string, string][]): string {
  let next = source;
  for (const [name, value] of pairs)
    next = setAttr(next, elementAt(emailBody({ ...files, 'email.mjml': next }).body, path).el, name, value);
  return next;
}

/** The indentation of the line an element starts on. */
function indentOf(source: string, el: MjmlElement): string {
  const lineStart = source.lastIndexOf('\n', el.start - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

/** An element's span widened to whole lines when nothing else shares them. */
function lineSpan(source: string, el: MjmlElement): [number, number] {
  const lineStart = source.lastIndexOf('\n', el.start - 1) + 1;
  const lineEnd = source.indexOf('\n', el.end);
  const before = source.slice(lineStart, el.start);
  const after = source.slice(el.end, lineEnd < 0 ? source.length : lineEnd);
  if (before.trim() === '' && after.trim() === '')
    return [lineStart, lineEnd < 0 ? source.length : lineEnd + 1];
  return [el.start, el.end];
}

/** The text of a block's strings: the locale files with `key` set in every locale. */
export function setEmailStrings(files: DraftFiles, key: string, texts: Texts): Record<string, string> {
  return setStrings(files, key, texts);
}

/** A button's label (every locale) and link. A label not yet a string gets a new string id. */
export function setButton(files: DraftFiles, path: string, form: { url: string; texts: Texts }): EmailEdit {
  const { source, body } = emailBody(files);
  const { el } = elementAt(body, path);
  if (el.tag !== 'mj-button') throw badInput('block', `${path} is not a button`);
  const content = source.slice(el.innerStart, el.innerEnd);
  const keys = [...content.matchAll(T_CALL)].map((m) => m[1] ?? '');
  const key =
    keys.length === 1 && content.trim() === `{{t '${keys[0]}'}}` ? keys[0]! : newEmailKey(files, 'button');
  const changes = setStrings(files, key, form.texts);
  let next = source;
  const href = el.attrs.find((a) => a.name === 'href')?.value ?? '';
  if (form.url.trim() !== href) next = setAttr(next, el, 'href', trackableUrl(form.url));
  if (!keys.includes(key)) {
    const shift = next.length - source.length; // href comes before the content
    next = `${next.slice(0, el.innerStart + shift)}{{t '${key}'}}${next.slice(el.innerEnd + shift)}`;
  }
  return { changes: withSource(files, next, changes), block: path };
}

/** An image's picture from the asset library (its file goes into the draft) and its alt text. */
export function setImage(
  files: DraftFiles,
  path: string,
  form: { picture?: { name: string; base64: string } | undefined; alt: Texts },
): EmailEdit {
  const { source, body } = emailBody(files);
  const { el } = elementAt(body, path);
  if (el.tag !== 'mj-image') throw badInput('block', `${path} is not an image`);
  const altAttr = el.attrs.find((a) => a.name === 'alt')?.value ?? '';
  const altKey = /^\{\{\s*t\s+'([^']+)'\s*\}\}$/.exec(altAttr)?.[1] ?? newEmailKey(files, 'alt');
  const changes = setStrings(files, altKey, form.alt);
  const edits: [string, string][] = [['alt', `{{t '${altKey}'}}`]];
  if (form.picture) {
    if (!/^[\w-]+\.(png|jpe?g)$/i.test(form.picture.name)) throw badInput('picture', 'not a library image');
    changes[`images/${form.picture.name}.b64`] = form.picture.base64;
    edits.push(['src', `{{image '${form.picture.name}' 'images'}}`]);
  }
  return { changes: withSource(files, setAttrs(files, source, path, edits), changes), block: path };
}

export const DIVIDER_COLORS = ['muted', 'primary', 'accent', 'text'] as const;

/** A divider's thickness (1–8 px) and brand colour. */
export function setDivider(
  files: DraftFiles,
  path: string,
  form: { width: string; color: string },
): EmailEdit {
  const { source, body } = emailBody(files);
  const { el } = elementAt(body, path);
  if (el.tag !== 'mj-divider') throw badInput('block', `${path} is not a divider`);
  const width = Number(form.width);
  if (!Number.isInteger(width) || width < 1 || width > 8) throw badInput('width', '1 to 8 pixels');
  if (!(DIVIDER_COLORS as readonly string[]).includes(form.color))
    throw badInput('color', `one of ${DIVIDER_COLORS.join(', ')}`);
  const next = setAttrs(files, source, path, [
    ['border-width', `${width}px`],
    ['border-color', `{{@brand.colors.${form.color}}}`],
  ]);
  return { changes: withSource(files, next), block: path };
}

/** Removes a block (its whole lines when it has them to itself). */
export function removeEmailBlock(files: DraftFiles, path: string): EmailEdit {
  const { source, body } = emailBody(files);
  const { el } = elementAt(body, path);
  if (el.tag === 'mj-raw' || el.tag === 'mj-include')
    throw badInput(
      'block',
      `${path} is a condition or an included part: its start and end go together; change it in the code view`,
    );
  const [from, to] = lineSpan(source, el);
  const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : undefined;
  return {
    changes: withSource(files, source.slice(0, from) + source.slice(to)),
    ...(parent ? { block: parent } : {}),
  };
}

/** Swaps a block with the one before (`up`) or after it in the same section or column. */
export function moveEmailBlock(files: DraftFiles, path: string, direction: 'up' | 'down'): EmailEdit {
  const { source, body } = emailBody(files);
  const { el, parent } = elementAt(body, path);
  const index = parent.children.indexOf(el);
  const other = parent.children[direction === 'up' ? index - 1 : index + 1];
  if (!other) throw badInput('block', `${path} is already the ${direction === 'up' ? 'first' : 'last'} here`);
  const [a, b] = direction === 'up' ? [other, el] : [el, other];
  const next =
    source.slice(0, a.start) +
    source.slice(b.start, b.end) +
    source.slice(a.end, b.start) +
    source.slice(a.start, a.end) +
    source.slice(b.end);
  const moved = `${path.slice(0, path.lastIndexOf('.') + 1)}${direction === 'up' ? index - 1 : index + 1}`;
  return { changes: withSource(files, next), block: moved };
}

/** Inserts MJML lines after an element (or as the first child of a section or column). */
function insertAfter(source: string, el: MjmlElement, lines: string[], inside: boolean): string {
  const indent = inside ? `${indentOf(source, el)}  ` : indentOf(source, el);
  const at = inside ? el.innerStart : el.end;
  const text = lines.map((l) => `\n${indent}${l}`).join('');
  return source.slice(0, at) + text + source.slice(at);
}

export type NewBlockKind = 'text' | 'button' | 'divider';

/**
 * Adds a text, button or divider after a content block (or first in a column): a text or button gets
 * a new string id with its words in every locale; a button's link must be trackable.
 */
export function addEmailBlock(
  files: DraftFiles,
  after: string,
  kind: NewBlockKind,
  form: { texts?: Texts; url?: string },
): EmailEdit {
  const { source, body } = emailBody(files);
  const { el, parent } = elementAt(body, after);
  const inside = el.tag === 'mj-column';
  if (!inside && parent.tag !== 'mj-column') throw badInput('block', 'choose a column or a block inside one');
  let line: string;
  let changes: Record<string, string> = {};
  if (kind === 'divider') line = '<mj-divider border-width="1px" border-color="{{@brand.colors.muted}}" />';
  else if (kind === 'text' || kind === 'button') {
    const key = newEmailKey(files, kind);
    changes = setStrings(files, key, form.texts ?? {});
    line =
      kind === 'text'
        ? `<mj-text>{{t '${key}'}}</mj-text>`
        : `<mj-button href="${attrText(trackableUrl(form.url ?? ''))}" background-color="{{@brand.colors.accent}}" color="{{@brand.colors.onAccent}}" border-radius="6px" align="left">{{t '${key}'}}</mj-button>`;
  } else throw badInput('kind', 'text, button or divider');
  const next = insertAfter(source, el, [line], inside);
  const path = inside
    ? `${after}.0`
    : `${after.slice(0, after.lastIndexOf('.') + 1)}${parent.children.indexOf(el) + 1}`;
  return { changes: withSource(files, next, changes), block: path };
}

/** Adds a section of one or two columns after a section, each column with a text (every locale). */
export function addEmailSection(files: DraftFiles, after: string, columns: Texts[]): EmailEdit {
  if (columns.length < 1 || columns.length > 2) throw badInput('columns', 'one or two');
  const { source, body } = emailBody(files);
  const { el, parent } = elementAt(body, after);
  if (parent !== body) throw badInput('block', 'choose a section to add a section after it');
  let changes: Record<string, string> = {};
  const keys: string[] = [];
  const lines = ['<mj-section background-color="{{@brand.colors.surface}}" padding="12px 24px">'];
  for (const texts of columns) {
    const key = newEmailKey({ ...files, ...changes }, 'text', keys);
    keys.push(key);
    changes = { ...changes, ...setStrings({ ...files, ...changes }, key, texts) };
    lines.push('  <mj-column>', `    <mj-text>{{t '${key}'}}</mj-text>`, '  </mj-column>');
  }
  lines.push('</mj-section>');
  const next = insertAfter(source, el, lines, false);
  return { changes: withSource(files, next, changes), block: String(body.children.indexOf(el) + 1) };
}
