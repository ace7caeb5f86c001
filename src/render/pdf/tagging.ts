/**
 * The structure tree of a tagged PDF (PDF/UA-1): one Tagger per document, shared by every drawer
 * of it. Drawers open structure elements in layout order (`element`), so the tree's order is the
 * reading order whatever page a block lands on; every drawn thing is either content of the current
 * element (`content`) or an artifact (`artifact`: rules, fills, repeated headers, page furniture).
 * pdfkit cannot nest marked content, so marked sequences are only ever opened around leaves.
 * An untagged document has no Tagger: drawers call their drawing directly and the bytes stay as
 * they were before tagging existed.
 */

/** pdfkit's object reference: its dictionary and `end()`, which writes the object (no types shipped). */
interface PdfRef {
  readonly data: Record<string, unknown>;
  end(): void;
}

/** Where a marked sequence's content is: its page and MCID (pdfkit's PDFStructureContent shape). */
interface ContentRef {
  readonly pageRef: PdfRef;
  readonly mcid: number;
}

/**
 * The content of one marked sequence. pdfkit reopens an open sequence on a new page and `push`es
 * the new part, so it has pdfkit's PDFStructureContent shape.
 */
class MarkedContent {
  readonly refs: ContentRef[];
  constructor(pageRef: PdfRef, mcid: number) {
    this.refs = [{ pageRef, mcid }];
  }
  push(more: { readonly refs: readonly ContentRef[] }): void {
    for (const ref of more.refs) this.refs.push(ref);
  }
}

interface Marking {
  tag: string;
  options?: { mcid: number };
  structContent?: MarkedContent;
}

/** pdfkit's document internals the tree is written with (pdfkit ships no types for them). */
interface TaggedDocument {
  ref(data: Record<string, unknown>): PdfRef;
  page: {
    dictionary: PdfRef & { data: { StructParents?: number } };
    structParentTreeKey: number;
    markings: Marking[];
  };
  getStructParentTree(): { get(key: number | undefined): (PdfRef | null)[] };
  getStructTreeRoot(): PdfRef;
  structChildren: { end(): void }[];
  addContent(content: string): unknown;
  markStructureContent(tag: string): MarkedContent;
  endMarkedContent(): unknown;
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
  let bytes = text;
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
  return `(${bytes.replace(ESCAPED, (c) => ESCAPES[c] ?? c)})`;
}

/** An object reference pdfkit made (`doc.ref`), written here: its number and where it starts. */
interface OwnRef extends PdfRef {
  readonly id: number;
  offset: number;
}

/** pdfkit's document internals an object is written with. */
interface WritingDocument {
  _offset: number;
  _write(data: string): void;
  _refEnd(ref: OwnRef): void;
}

/** The data of every structure element's reference: its dictionary is written here, not by pdfkit. */
const NO_DATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * A structure element, written as pdfkit's PDFStructureElement writes it — the same dictionary
 * (S, Lang, Alt, A, P, then K and Pg, as pdfkit's dictionary writer prints them), at the same moment
 * (when it ends: every element is added to its parent when it is made, so it is flushable as soon as
 * it and its children have ended) — without pdfkit's per-element bookkeeping (attached/flushed flags,
 * child closures, a filter per end) and without building the dictionary as objects to convert.
 */
export class StructElement {
  readonly role: string;
  readonly ref: OwnRef;
  readonly #doc: WritingDocument;
  /** The dictionary's entries before K: `/S /Role`, Lang, Alt, A and `/P n 0 R`. */
  readonly #head: string;
  #kids: (StructElement | MarkedContent)[] = [];
  #ended = false;

  constructor(doc: TaggedDocument, role: string, head: string) {
    this.role = role;
    this.ref = doc.ref(NO_DATA) as OwnRef;
    this.#doc = doc as unknown as WritingDocument;
    this.#head = head;
  }

  /** pdfkit's `add` of an element (the parent was set when it was made) or of marked content. */
  add(kid: StructElement | MarkedContent): void {
    this.#kids.push(kid);
  }

  /** Ends the children still open, then writes the element's object. */
  end(): void {
    if (this.#ended) return;
    const kids = this.#kids;
    for (const kid of kids) if (kid instanceof StructElement) kid.end();
    this.#ended = true;
    let k = '';
    let separator = '';
    let pg: PdfRef | undefined;
    for (const kid of kids) {
      if (kid instanceof StructElement) {
        k += `${separator}${kid.ref.id} 0 R`;
        separator = ' ';
        continue;
      }
      for (const { pageRef, mcid } of kid.refs) {
        pg ??= pageRef;
        k +=
          pg === pageRef
            ? `${separator}${mcid}`
            : `${separator}<<\n/Type /MCR\n/Pg ${String(pageRef)}\n/MCID ${mcid}\n>>`;
        separator = ' ';
      }
    }
    this.#kids = [];
    // pdfkit's PDFReference.finalize of an object without a stream, its three lines in one write.
    const doc = this.#doc;
    const ref = this.ref;
    ref.offset = doc._offset;
    doc._write(`${ref.id} 0 obj\n<<\n${this.#head}\n/K [${k}]${pg ? `\n/Pg ${String(pg)}` : ''}\n>>\nendobj`);
    doc._refEnd(ref);
  }
}

type Element = StructElement;

/** Where drawn content goes: into an element, into an artifact, or into an already marked sequence. */
type Target = Element | 'artifact' | 'inside';

export interface ElementOptions {
  lang?: string | undefined;
  alt?: string | undefined;
  /** Table header cells: `Column` or `Row`. */
  scope?: 'Column' | 'Row' | undefined;
}

/** Han ideographs and CJK punctuation / full-width forms: written in Chinese. */
const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
const LATIN = /\p{Script=Latin}/u;

/** The language of text in another script than the document's: Chinese, else British English. */
const SCRIPT_LANG = { han: 'zh-CN', latin: 'en-GB' } as const;

export interface LangRun {
  readonly text: string;
  /** Undefined: the document's language. */
  readonly lang: string | undefined;
}

export class Tagger {
  readonly #doc: PDFKit.PDFDocument;
  readonly #pdf: TaggedDocument;
  /** The document's language (the render's locale). */
  readonly lang: string;
  readonly #docIsHan: boolean;
  /** Characters of the script that is NOT the document's (a text without them is all in its language). */
  readonly #foreign: RegExp;
  #target: Target;
  readonly root: Element;

  constructor(doc: PDFKit.PDFDocument, lang: string) {
    this.#doc = doc;
    this.#pdf = doc as unknown as TaggedDocument;
    this.lang = lang;
    this.#docIsHan = /^(zh|ja)\b/i.test(lang);
    this.#foreign = this.#docIsHan ? LATIN : HAN;
    const pdf = this.#pdf;
    // pdfkit's addStructure: the tree root is the parent, and ends the element with the document.
    const treeRoot = pdf.getStructTreeRoot();
    this.root = new StructElement(pdf, 'Document', `/S /Document\n/P ${String(treeRoot)}`);
    pdf.structChildren.push(this.root);
    if (!treeRoot.data.K) treeRoot.data.K = [];
    (treeRoot.data.K as PdfRef[]).push(this.root.ref);
    this.#target = this.root;
  }

  /** A new element under the current one (added now, so the tree keeps layout order), not entered. */
  create(role: string, options?: ElementOptions): Element | undefined {
    const parent = this.#target;
    if (typeof parent === 'string') return undefined;
    return this.#child(parent, role, options);
  }

  /** pdfkit's `struct(role, options)` added to `parent`: its dictionary's keys in pdfkit's order. */
  #child(parent: Element, role: string, options: ElementOptions | undefined): Element {
    let head = `/S /${role}`;
    if (options) {
      if (options.lang) head += `\n/Lang ${pdfTextString(options.lang)}`;
      if (options.alt) head += `\n/Alt ${pdfTextString(options.alt)}`;
      if (options.scope) head += `\n/A <<\n/O /Table\n/Scope /${options.scope}\n>>`;
    }
    const element = new StructElement(this.#pdf, role, `${head}\n/P ${parent.ref.id} 0 R`);
    parent.add(element);
    return element;
  }

  /** Draws `draw` with `element` as the current element (nothing is tagged when it is undefined). */
  within(element: Element | undefined, draw: () => void): void {
    if (!element) {
      draw();
      return;
    }
    const saved = this.#target;
    this.#target = element;
    try {
      draw();
    } finally {
      this.#target = saved;
    }
  }

  /** A child element of the current one holding what `draw` draws; ended afterwards. */
  element(role: string, options: ElementOptions, draw: () => void): void {
    const parent = this.#target;
    if (typeof parent === 'string') {
      draw();
      return;
    }
    const element = this.#child(parent, role, options);
    this.#target = element;
    try {
      draw();
    } finally {
      this.#target = parent;
    }
    element.end();
  }

  /**
   * Draws as content of the current element: one marked sequence with its own MCID. Inside an
   * artifact or another marked sequence it is just drawn.
   */
  content(draw: () => void): void {
    const target = this.#target;
    if (typeof target === 'string') {
      draw();
      return;
    }
    const content = this.#open(target);
    try {
      draw();
    } finally {
      this.#close(target, content, target);
    }
  }

  /** A Figure with its alternative text: everything `draw` draws (labels too) is its content. */
  figure(alt: string, draw: () => void): void {
    const target = this.#target;
    if (typeof target === 'string') {
      draw();
      return;
    }
    const figure = this.#child(target, 'Figure', { alt });
    const content = this.#open(figure);
    try {
      draw();
    } finally {
      this.#close(figure, content, target);
    }
    figure.end();
  }

  /** Draws as an artifact (decoration, repeated or pagination content a reader skips). */
  artifact(draw: () => void, type?: 'Pagination' | 'Layout'): void {
    if (typeof this.#target === 'string') {
      draw();
      return;
    }
    this.#doc.markContent('Artifact', type ? { type } : undefined);
    const saved = this.#target;
    this.#target = 'artifact';
    try {
      draw();
    } finally {
      this.#target = saved;
      this.#doc.endMarkedContent();
    }
  }

  /** Text of the current element: each run in another language than the document's is a Span with Lang. */
  text(runs: readonly LangRun[], draw: (run: LangRun, index: number) => void): void {
    const target = this.#target;
    if (typeof target === 'string') {
      runs.forEach(draw);
      return;
    }
    for (let i = 0; i < runs.length; i += 1) {
      const run = runs[i] as LangRun;
      const element: Element =
        run.lang === undefined ? target : this.#child(target, 'Span', { lang: run.lang });
      const content = this.#open(element);
      try {
        draw(run, i);
      } finally {
        this.#close(element, content, target);
      }
      if (element !== target) element.end();
    }
  }

  /**
   * `text` split where the script changes between the document's language and another: Han text
   * in an en-GB document is zh-CN, Latin words in a zh-CN document en-GB. Digits, punctuation,
   * spaces and line breaks between two runs of one language stay in that run; at the edge of a
   * run in another language they belong to the document's language.
   */
  langRuns(text: string): LangRun[] {
    if (!this.#foreign.test(text)) return [{ text, lang: undefined }];
    const runs: { text: string; lang: string | undefined }[] = [];
    let pending = '';
    for (const ch of text) {
      const han = HAN.test(ch);
      const script = han ? 'han' : LATIN.test(ch) ? 'latin' : undefined;
      if (script === undefined) {
        pending += ch;
        continue;
      }
      const lang = han === this.#docIsHan ? undefined : SCRIPT_LANG[script];
      const last = runs.at(-1);
      if (last && last.lang === lang) {
        last.text += pending + ch;
      } else if (lang === undefined) {
        runs.push({ text: pending + ch, lang });
      } else {
        if (pending && last) last.text += pending;
        else if (pending) runs.push({ text: pending, lang: undefined });
        runs.push({ text: ch, lang });
      }
      pending = '';
    }
    if (pending) {
      const last = runs.at(-1);
      if (last && last.lang === undefined) last.text += pending;
      else runs.push({ text: pending, lang: undefined });
    }
    return runs;
  }

  /**
   * pdfkit's `markStructureContent(role)`: the next MCID of the page's parent-tree entry and a
   * `/Role <<\n/MCID n\n>> BDC` operator, as pdfkit's dictionary writer prints it. With a marked
   * sequence open (which pdfkit would close first) pdfkit does it.
   */
  #open(element: Element): MarkedContent {
    const pdf = this.#pdf;
    const page = pdf.page;
    let content: MarkedContent;
    if (page.markings.length > 0) content = pdf.markStructureContent(element.role);
    else {
      const parents = pdf.getStructParentTree().get(page.structParentTreeKey);
      const mcid = parents.length;
      parents.push(null);
      content = new MarkedContent(page.dictionary, mcid);
      page.markings.push({ tag: element.role, options: { mcid }, structContent: content });
      pdf.addContent(`/${element.role} <<\n/MCID ${mcid}\n>> BDC`);
    }
    this.#target = 'inside';
    return content;
  }

  /** Ends the marked sequence, adds it to `element` (and the page's parent tree), restores `saved`. */
  #close(element: Element, content: MarkedContent, saved: Target): void {
    const pdf = this.#pdf;
    this.#target = saved;
    pdf.endMarkedContent();
    const tree = pdf.getStructParentTree();
    for (const { pageRef, mcid } of content.refs) {
      const parents = tree.get((pageRef as TaggedDocument['page']['dictionary']).data.StructParents);
      parents[mcid] = element.ref;
    }
    element.add(content);
  }
}

/** Draws `draw` as an artifact of a tagged document, or just draws it. */
export function decoration(tags: Tagger | undefined, draw: () => void): void {
  if (tags) tags.artifact(draw);
  else draw();
}

/** Draws `draw` as a paragraph (P) of a tagged document, or just draws it. */
export function paragraph(tags: Tagger | undefined, draw: () => void): void {
  if (tags) tags.element('P', {}, draw);
  else draw();
}
