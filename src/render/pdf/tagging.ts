/**
 * The structure tree of a tagged PDF (PDF/UA-1): one Tagger per document, shared by every drawer
 * of it. Drawers open structure elements in layout order (`element`), so the tree's order is the
 * reading order whatever page a block lands on; every drawn thing is either content of the current
 * element (`content`) or an artifact (`artifact`: rules, fills, repeated headers, page furniture).
 * pdfkit cannot nest marked content, so marked sequences are only ever opened around leaves.
 * An untagged document has no Tagger: drawers call their drawing directly and the bytes stay as
 * they were before tagging existed.
 */

type Element = PDFKit.PDFStructureElement;

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
  /** The document's language (the render's locale). */
  readonly lang: string;
  readonly #docIsHan: boolean;
  /** Characters of the script that is NOT the document's (a text without them is all in its language). */
  readonly #foreign: RegExp;
  #target: Target;
  readonly root: Element;

  constructor(doc: PDFKit.PDFDocument, lang: string) {
    this.#doc = doc;
    this.lang = lang;
    this.#docIsHan = /^(zh|ja)\b/i.test(lang);
    this.#foreign = this.#docIsHan ? LATIN : HAN;
    this.root = doc.struct('Document');
    doc.addStructure(this.root);
    this.#target = this.root;
  }

  /** A new element under the current one (added now, so the tree keeps layout order), not entered. */
  create(role: string, options: ElementOptions = {}): Element | undefined {
    const parent = this.#target;
    if (typeof parent === 'string') return undefined;
    const element = this.#doc.struct(role, options as PDFKit.Mixins.StructureElementOptions);
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
    const element = this.create(role, options);
    this.within(element, draw);
    element?.end();
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
    this.#mark(target, draw);
  }

  /** A Figure with its alternative text: everything `draw` draws (labels too) is its content. */
  figure(alt: string, draw: () => void): void {
    const target = this.#target;
    if (typeof target === 'string') {
      draw();
      return;
    }
    const figure = this.#doc.struct('Figure', { alt });
    target.add(figure);
    this.#mark(figure, draw);
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
    runs.forEach((run, i) => {
      if (run.lang === undefined) {
        this.#mark(target, () => draw(run, i));
        return;
      }
      const span = this.#doc.struct('Span', { lang: run.lang });
      target.add(span);
      this.#mark(span, () => draw(run, i));
      span.end();
    });
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

  #mark(element: Element, draw: () => void): void {
    const role = (element as unknown as { dictionary: { data: { S: string } } }).dictionary.data.S;
    const content = this.#doc.markStructureContent(role);
    const saved = this.#target;
    this.#target = 'inside';
    try {
      draw();
    } finally {
      this.#target = saved;
      this.#doc.endMarkedContent();
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
