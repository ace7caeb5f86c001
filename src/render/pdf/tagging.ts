/**
 * The structure tree of a tagged PDF (PDF/UA-1): one Tagger per document, shared by every drawer
 * of it. Drawers open structure elements in layout order (`element`), so the tree's order is the
 * reading order whatever page a block lands on; every drawn thing is either content of the current
 * element (`content`) or an artifact (`artifact`: rules, fills, repeated headers, page furniture).
 * pdfkit cannot nest marked content, so marked sequences are only ever opened around leaves.
 * An untagged document has no Tagger: drawers call their drawing directly and the bytes stay as
 * they were before tagging existed.
 */

import { MissiveError } from '../../core/errors.ts';
import { HAN, LATIN, type Script, scriptRuns } from './lang-runs.ts';
import { type NumberTree, type ParentEntry, printParentTreeFast } from './parent-tree.ts';
import { type ElementOptions, oneByteName, StructElement, type WritingDocument } from './struct-element.ts';

/** pdfkit's document internals the tree is written with (pdfkit ships no types for them). */
interface TaggedDocument extends WritingDocument {
  ref(data: Record<string, unknown>): { readonly id: number };
  page: { dictionary: { readonly id: number }; structParentTreeKey: number };
  getStructTreeRoot(): { readonly id: number; data: { K?: unknown[]; ParentTree: NumberTree } };
  structChildren: { end(): void }[];
  addContent(content: string): unknown;
  _textOptions?: Record<string, unknown> | undefined;
}

/** The data of the document element's reference: its dictionary is written by StructElement. */
const NO_DATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

type Element = StructElement;

/** Where drawn content goes: into an element, into an artifact, or into an already marked sequence. */
type Target = Element | 'artifact' | 'inside';

export interface LangRun {
  readonly text: string;
  /** Undefined: the language of the element it is drawn in. */
  readonly lang: string | undefined;
}

/**
 * pdfkit's `/Role <<\n/MCID n\n>> BDC` for a role and MCID, made once per process: a statement opens
 * ~200 marked sequences, each a new string of 4 pieces in its page's content (issue 22 performance).
 * Roles are few (the layout language's) and MCIDs count from 0 on each page.
 */
const BDC = new Map<string, string[]>();
function beginMarked(role: string, mcid: number): string {
  let byMcid = BDC.get(role);
  if (byMcid === undefined) {
    byMcid = [];
    if (BDC.size < 64) BDC.set(role, byMcid);
  }
  let operator = byMcid[mcid];
  if (operator === undefined) {
    operator = `/${role} <<\n/MCID ${mcid}\n>> BDC`;
    if (mcid < 1024) byMcid[mcid] = operator;
  }
  return operator;
}

/** A language written in Han characters (Chinese, Japanese). */
const HAN_LANG = /^(zh|ja)\b/i;

export class Tagger {
  readonly #pdf: TaggedDocument;
  /** The document's language (the render's locale). */
  readonly lang: string;
  /** The language of each script: the document's for its own script; zh-CN, else en-GB, for the other. */
  readonly #langs: Readonly<Record<Script, string>>;
  #target: Target;
  readonly root: Element;
  /**
   * The page marked content was last opened on: its `n 0 R` and its parent-tree entry (MCID → the
   * element's object number: the number tree prints numbers, and no element is kept for it).
   */
  #page: unknown;
  #pageRef = '';
  #parents: ParentEntry[] = [];

  constructor(doc: PDFKit.PDFDocument, lang: string) {
    const pdf = doc as unknown as TaggedDocument;
    this.#pdf = pdf;
    this.lang = lang;
    const own = oneByteName(lang);
    this.#langs = HAN_LANG.test(own) ? { han: own, latin: 'en-GB' } : { han: 'zh-CN', latin: own };
    // pdfkit's addStructure: the tree root is the parent, and ends the element with the document.
    const treeRoot = pdf.getStructTreeRoot();
    printParentTreeFast(treeRoot.data.ParentTree);
    const ref = pdf.ref(NO_DATA);
    this.root = new StructElement(pdf, 'Document', treeRoot.id, undefined, undefined, ref.id);
    pdf.structChildren.push(this.root);
    treeRoot.data.K ??= [];
    treeRoot.data.K.push(ref);
    this.#target = this.root;
  }

  /** A new element under the current one (added now, so the tree keeps layout order), not entered. */
  create(role: string, options?: ElementOptions): Element | undefined {
    const parent = this.#target;
    if (typeof parent === 'string') return undefined;
    return this.#child(parent, role, options, true);
  }

  /** `ahead`: made now, ended later by its parent (see StructElement.addElement). */
  #child(parent: Element, role: string, options: ElementOptions | undefined, ahead = false): Element {
    const element = new StructElement(this.#pdf, role, parent.id, options, parent.lang);
    parent.addElement(element, ahead);
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
    const mcid = this.#open(target);
    try {
      draw();
    } finally {
      this.#close(target, mcid, target);
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
    const mcid = this.#open(figure);
    try {
      draw();
    } finally {
      this.#close(figure, mcid, target);
    }
    figure.end();
  }

  /** Draws as an artifact (decoration, repeated or pagination content a reader skips). */
  artifact(draw: () => void, type?: 'Pagination' | 'Layout'): void {
    const saved = this.#target;
    if (typeof saved === 'string') {
      draw();
      return;
    }
    // pdfkit's markContent('Artifact', { type }): no marked sequence is ever open here.
    this.#pdf.addContent(type ? `/Artifact <<\n/Type /${type}\n>> BDC` : '/Artifact BMC');
    this.#target = 'artifact';
    try {
      draw();
    } finally {
      this.#target = saved;
      this.#endMarked();
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
      const mcid = this.#open(element);
      try {
        draw(run, i);
      } finally {
        this.#close(element, mcid, target);
      }
      if (element !== target) element.end();
    }
  }

  /**
   * `text` as runs for `text()`: in the current element's language, or Spans in another. An element
   * with no content yet (other than the document) whose first text is all in one script takes that
   * script's language itself: a cell holding a Latin-script SWIFT code in a Chinese statement is an
   * en-GB TD, not a zh-CN TD around an en-GB Span. In a text of both scripts the runs in the
   * element's language stay in it and each run in the other is a Span. Han text is zh-CN (the
   * document's language in a Chinese or Japanese document), Latin text en-GB (the document's in
   * others); digits, punctuation and spaces go with their neighbours (scriptRuns). Inside an
   * artifact or a marked sequence the text is one run: nothing there is tagged.
   */
  langRuns(text: string): LangRun[] {
    const target = this.#target;
    const han = HAN.test(text);
    const latin = LATIN.test(text);
    if (typeof target === 'string' || (!han && !latin)) return [{ text, lang: undefined }];
    if (!(han && latin)) {
      const lang = this.#langs[han ? 'han' : 'latin'];
      if (lang !== (target.lang ?? this.lang) && target.empty && target !== this.root) {
        target.claimLang(lang);
      }
      return [{ text, lang: lang === (target.lang ?? this.lang) ? undefined : lang }];
    }
    const own = target.lang ?? this.lang;
    const base: Script = HAN_LANG.test(own) ? 'han' : 'latin';
    return scriptRuns(text, base).map((run) => ({
      text: run.text,
      lang: run.script === base ? undefined : this.#langs[run.script],
    }));
  }

  /**
   * Opens a marked sequence of `element` on the current page: the next MCID of the page's
   * parent-tree entry and pdfkit's `/Role <<\n/MCID n\n>> BDC` (as its dictionary writer prints it).
   * pdfkit cannot nest marked content and Missive never opens one inside another.
   */
  #open(element: Element): number {
    const pdf = this.#pdf;
    const page = pdf.page;
    if (page !== this.#page) {
      this.#page = page;
      this.#pageRef = `${page.dictionary.id} 0 R`;
      this.#parents = pdf.getStructTreeRoot().data.ParentTree._items[
        page.structParentTreeKey
      ] as ParentEntry[];
    }
    const mcid = this.#parents.length;
    this.#parents.push(element.id);
    pdf.addContent(beginMarked(element.role, mcid));
    this.#target = 'inside';
    return mcid;
  }

  /** Ends the marked sequence and adds it to `element`; the current element is `saved` again. */
  #close(element: Element, mcid: number, saved: Target): void {
    this.#target = saved;
    if (this.#pdf.page !== this.#page) {
      throw new MissiveError(
        'MSV_RENDER_FAILED',
        `a marked ${element.role} sequence cannot continue on another page`,
      );
    }
    this.#endMarked();
    element.addContent(this.#pageRef, mcid);
  }

  /** pdfkit's endMarkedContent: `EMC`, and a continued text's link and decorations end with it. */
  #endMarked(): void {
    const pdf = this.#pdf;
    pdf.addContent('EMC');
    const options = pdf._textOptions;
    if (options) {
      delete options.link;
      delete options.goTo;
      delete options.destination;
      delete options.underline;
      delete options.strike;
    }
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
