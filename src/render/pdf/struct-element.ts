/**
 * A structure element of a tagged PDF, written as pdfkit's PDFStructureElement writes it — the same
 * dictionary (S, Lang, Alt, A, P, then K and Pg, as pdfkit's dictionary writer prints them), at the
 * same moment (when it ends) — with none of pdfkit's per-element objects: its object number is taken
 * as `doc.ref()` takes one, its K array is printed as children and marked content are added, and its
 * object is one string in one `_write` (issue 22 performance).
 */

/** pdfkit's document internals an element is written with (pdfkit ships no types for them). */
export interface WritingDocument {
  _offsets: (number | null)[];
  _waiting: number;
  _offset: number;
  _write(data: string): void;
  _refEnd(ref: { readonly id: number; readonly offset: number }): void;
}

const ESCAPED = /[\n\r\t\b\f()\\]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\\': '\\\\',
  '(': '\\(',
  ')': '\\)',
};

/**
 * A PDF text string as pdfkit writes a String object: the characters as they are when all are
 * ASCII, else UTF-16BE with its byte order mark, one character per byte; then `\n`, `(`, `\\` and
 * the like escaped with a backslash.
 */
export function pdfTextString(text: string): string {
  let bytes: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) > 0x7f) {
      bytes = '\u00fe\u00ff';
      for (let j = 0; j < text.length; j += 1) {
        const code = text.charCodeAt(j);
        bytes += String.fromCharCode(code >> 8, code & 0xff);
      }
      break;
    }
  }
  // ASCII text as is, in a one-byte copy (see oneByteName: alt text comes from templates).
  bytes ??= Buffer.from(text, 'latin1').toString('latin1');
  return `(${bytes.replace(ESCAPED, (c) => ESCAPES[c] ?? c)})`;
}

/**
 * `name` (a role, a language) as a string V8 stores one byte per character. Names read from a
 * template (`role: H1` in print.yaml) are slices of their file's text, and a file with any
 * character beyond Latin-1 is kept two bytes per character: every string built with such a slice
 * is two-byte too, and so is the whole page-content or document rope it joins, which V8 then
 * flattens to UTF-16 before Node writes it as latin1 (issue 22 performance: the tagged statement's
 * document rope and its BDC operators were two-byte from the first heading on). Names are few:
 * each is copied once.
 */
const oneByteNames = new Map<string, string>();
export function oneByteName(name: string): string {
  let copy = oneByteNames.get(name);
  if (copy === undefined) {
    copy = Buffer.from(name, 'latin1').toString('latin1');
    if (copy !== name) return name; // beyond Latin-1: kept as it is
    if (oneByteNames.size < 256) oneByteNames.set(name, copy);
  }
  return copy;
}

/** A new object number, as pdfkit's `doc.ref()` takes one (written later through `_refEnd`). */
export function newObjectId(doc: WritingDocument): number {
  doc._offsets.push(null);
  doc._waiting += 1;
  return doc._offsets.length;
}

export interface ElementOptions {
  lang?: string | undefined;
  alt?: string | undefined;
  /** Table header cells: `Column` or `Row`. */
  scope?: 'Column' | 'Row' | undefined;
}

export class StructElement {
  readonly role: string;
  readonly id: number;
  /** The language its content is read in: its own /Lang, else its parent's (undefined: the document's). */
  lang: string | undefined;
  /** Whether the dictionary has a /Lang of its own (set when made, or by `claimLang` before any content). */
  #ownLang: string | undefined;
  readonly #doc: WritingDocument;
  /** The parent's object number (/P), and Alt and A: the dictionary's entries between Lang and P. */
  readonly #parent: number;
  readonly #options: string;
  /** The K array's entries so far, and the page (`n 0 R`) of the first marked content: /Pg. */
  #k = '';
  #pg: string | undefined;
  /** Children made ahead (`Tagger.create`) and not ended yet: ended (and so written) before this one. */
  #open: StructElement[] | undefined;
  #ended = false;

  /** `id`: an object number taken already (the document element's, a reference pdfkit writes in K). */
  constructor(
    doc: WritingDocument,
    role: string,
    parent: number,
    options?: ElementOptions,
    inherited?: string,
    id?: number,
  ) {
    this.role = oneByteName(role);
    this.id = id ?? newObjectId(doc);
    this.#doc = doc;
    this.#parent = parent;
    this.#ownLang = options?.lang ? oneByteName(options.lang) : undefined;
    this.lang = this.#ownLang ?? inherited;
    let extra = '';
    if (options) {
      if (options.alt) extra += `\n/Alt ${pdfTextString(options.alt)}`;
      if (options.scope) extra += `\n/A <<\n/O /Table\n/Scope /${options.scope}\n>>`;
    }
    this.#options = extra;
  }

  /** True until content or a child is added: its /Lang can still be chosen. */
  get empty(): boolean {
    return this.#k === '';
  }

  /** Gives an empty element its own /Lang (the language of the text it is about to hold). */
  claimLang(lang: string): void {
    this.#ownLang = oneByteName(lang);
    this.lang = lang;
  }

  /**
   * A child element (made for this parent, in reading order). `ahead`: it is not ended before this
   * one is (`Tagger.create`), so this one ends it first; the others end as soon as they are drawn and
   * are not kept here (issue 22 performance: nothing holds a written element until the document ends).
   */
  addElement(child: StructElement, ahead = false): void {
    this.#k += this.#k === '' ? `${child.id} 0 R` : ` ${child.id} 0 R`;
    if (!ahead) return;
    if (this.#open) this.#open.push(child);
    else this.#open = [child];
  }

  /** A marked sequence of `page` (`n 0 R`): its MCID, or a marked-content reference on another page. */
  addContent(page: string, mcid: number): void {
    this.#pg ??= page;
    if (this.#pg !== page) {
      const entry = `<<\n/Type /MCR\n/Pg ${page}\n/MCID ${mcid}\n>>`;
      this.#k += this.#k === '' ? entry : ` ${entry}`;
    } else this.#k += this.#k === '' ? `${mcid}` : ` ${mcid}`;
  }

  /** Ends the children still open, then writes the element's object (pdfkit's finalize, in one write). */
  end(): void {
    if (this.#ended) return;
    const open = this.#open;
    if (open) for (const child of open) child.end();
    this.#ended = true;
    this.#open = undefined;
    const lang = this.#ownLang ? `\n/Lang ${langString(this.#ownLang)}` : '';
    const pg = this.#pg ? `\n/Pg ${this.#pg}` : '';
    const doc = this.#doc;
    const offset = doc._offset;
    doc._write(
      `${this.id} 0 obj\n<<\n/S /${this.role}${lang}${this.#options}\n/P ${this.#parent} 0 R\n/K [${this.#k}]${pg}\n>>\nendobj`,
    );
    doc._refEnd({ id: this.id, offset });
  }
}

/** A /Lang's text string: a handful of languages, printed once each. */
const langStrings = new Map<string, string>();
function langString(lang: string): string {
  let printed = langStrings.get(lang);
  if (printed === undefined) {
    printed = pdfTextString(lang);
    if (langStrings.size < 64) langStrings.set(lang, printed);
  }
  return printed;
}
