import { MissiveError } from '../core/errors.ts';

/**
 * email.mjml read as source (issue 21 item 5): each MJML element with the exact character ranges of
 * its tags and attribute values, so the e-mail designer's edits rewrite only what they change and the
 * author's indentation, attribute order and Handlebars expressions stay byte for byte. MJML's own
 * parser (mjml-parser-xml) reports only an element's first line, not where it ends, hence this small
 * scanner. The content of MJML's "ending tags" (mj-text, mj-button, mj-raw, mj-table …) is HTML and
 * Handlebars, kept as one range and never parsed.
 */
export interface MjmlAttribute {
  name: string;
  value: string;
  /** The whole ` name="value"` text, from the space before the name. */
  start: number;
  end: number;
  /** The value between its quotes (valueStart = valueEnd for a bare attribute). */
  valueStart: number;
  valueEnd: number;
}

export interface MjmlElement {
  tag: string;
  attrs: MjmlAttribute[];
  /** From `<` of the opening tag to after `>` of the closing one (or of a self-closing tag). */
  start: number;
  end: number;
  /** The content between the tags (empty for a self-closing tag). */
  innerStart: number;
  innerEnd: number;
  selfClosing: boolean;
  /** 1-based line of the opening tag. */
  line: number;
  children: MjmlElement[];
}

/** Elements whose content MJML takes as HTML: kept as text, not scanned for elements. */
export const ENDING_TAGS: ReadonlySet<string> = new Set([
  'mj-text',
  'mj-button',
  'mj-raw',
  'mj-table',
  'mj-title',
  'mj-preview',
  'mj-style',
  'mj-navbar-link',
  'mj-social-element',
  'mj-accordion-title',
  'mj-accordion-text',
]);

const NAME = /[A-Za-z][\w:.-]*/y;
const ATTRIBUTE = /\s+([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/y;

function bad(source: string, at: number, message: string): MissiveError {
  const line = lineOf(source, at);
  return new MissiveError('MSV_API_BAD_REQUEST', `email.mjml line ${line}: ${message}`, {
    file: 'email.mjml',
    line,
  });
}

export function lineOf(source: string, at: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < at; i = source.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** The opening tag at `lt`: name, attributes and where it ends. */
function openTag(source: string, lt: number): Omit<MjmlElement, 'end' | 'innerEnd' | 'children'> {
  NAME.lastIndex = lt + 1;
  const name = NAME.exec(source)?.[0];
  if (!name) throw bad(source, lt, 'a "<" that starts no tag');
  let at = lt + 1 + name.length;
  const attrs: MjmlAttribute[] = [];
  for (;;) {
    ATTRIBUTE.lastIndex = at;
    const m = ATTRIBUTE.exec(source);
    if (!m) break;
    const raw = m[2] ?? m[3] ?? m[4];
    const valueEnd = raw === undefined ? at + m[0].length : at + m[0].length - (m[4] === undefined ? 1 : 0);
    const valueStart = raw === undefined ? valueEnd : valueEnd - raw.length;
    attrs.push({
      name: m[1] ?? '',
      value: raw ?? '',
      start: at,
      end: at + m[0].length,
      valueStart,
      valueEnd,
    });
    at += m[0].length;
  }
  const close = /\s*(\/?)>/y;
  close.lastIndex = at;
  const m = close.exec(source);
  if (!m) throw bad(source, lt, `the <${name}> tag is not closed with ">"`);
  const innerStart = at + m[0].length;
  return { tag: name, attrs, start: lt, innerStart, selfClosing: m[1] === '/', line: lineOf(source, lt) };
}

/**
 * The element tree of an MJML document (its root is the `mjml` element).
 * @throws MissiveError MSV_API_BAD_REQUEST naming the line of a tag that does not close or match.
 */
export function parseMjmlSource(source: string): MjmlElement {
  const top: MjmlElement = {
    tag: '#document',
    attrs: [],
    start: 0,
    end: source.length,
    innerStart: 0,
    innerEnd: source.length,
    selfClosing: false,
    line: 1,
    children: [],
  };
  const stack: MjmlElement[] = [top];
  let i = 0;
  for (let lt = source.indexOf('<'); lt >= 0; lt = source.indexOf('<', i)) {
    const parent = stack[stack.length - 1] as MjmlElement;
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      if (end < 0) throw bad(source, lt, 'a comment that never ends');
      i = end + 3;
    } else if (source[lt + 1] === '/') {
      const m = /^<\/\s*([A-Za-z][\w:.-]*)\s*>/.exec(source.slice(lt, lt + 120));
      if (!m || m[1] !== parent.tag) throw bad(source, lt, `a closing tag that matches no <${parent.tag}>`);
      parent.innerEnd = lt;
      parent.end = lt + m[0].length;
      stack.pop();
      i = parent.end;
    } else if (source[lt + 1] === '!' || source[lt + 1] === '?') {
      i = source.indexOf('>', lt) + 1 || source.length;
    } else {
      const open = openTag(source, lt);
      const el: MjmlElement = { ...open, end: open.innerStart, innerEnd: open.innerStart, children: [] };
      parent.children.push(el);
      i = el.innerStart;
      if (el.selfClosing) continue;
      if (ENDING_TAGS.has(el.tag)) {
        const close = new RegExp(`</\\s*${el.tag}\\s*>`, 'g');
        close.lastIndex = el.innerStart;
        const m = close.exec(source);
        if (!m) throw bad(source, lt, `<${el.tag}> is never closed`);
        el.innerEnd = m.index;
        el.end = m.index + m[0].length;
        i = el.end;
      } else stack.push(el);
    }
  }
  if (stack.length > 1) throw bad(source, stack[stack.length - 1]?.start ?? 0, 'a tag that is never closed');
  const root = top.children.find((c) => c.tag === 'mjml');
  if (!root) throw bad(source, 0, 'no <mjml> element');
  return root;
}

/** The first child element with that tag. */
export function childTagged(el: MjmlElement, tag: string): MjmlElement | undefined {
  return el.children.find((c) => c.tag === tag);
}

/** The attribute's value, or undefined. */
export function attrOf(el: MjmlElement, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}
