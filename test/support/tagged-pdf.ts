import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Tagged PDFs read back by tools that are not Missive's: poppler (`pdfinfo -struct-text`, the whole
 * structure tree in order), pdf.js (`getStructTree` and marked text content per page, what Firefox
 * gives assistive technology) and qpdf (uncompressed content streams, to count operators). The
 * checks are the machine-checkable Matterhorn Protocol checkpoints that apply to Missive's
 * documents (docs/ACCESSIBILITY.md lists them).
 */

/** A node of poppler's structure tree: its role, attributes (`/Scope /Row`), text and children. */
export interface StructNode {
  role: string;
  attributes: string[];
  text: string;
  children: StructNode[];
}

/** `pdfinfo -struct-text`: the document's structure tree, elements in their logical order. */
export function popplerTree(file: string): StructNode {
  const out = execFileSync('pdfinfo', ['-struct-text', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const root: StructNode = { role: 'Root', attributes: [], text: '', children: [] };
  const stack: { depth: number; node: StructNode }[] = [{ depth: -1, node: root }];
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const depth = line.length - line.trimStart().length;
    const body = line.trim();
    while (stack.length > 1 && stack.at(-1)!.depth >= depth) stack.pop();
    const parent = stack.at(-1)!.node;
    if (body.startsWith('"')) {
      parent.text += JSON.parse(body.replace(/\\(?!["\\/bfnrtu])/g, '\\\\')) as string;
    } else if (body.startsWith('/')) {
      parent.attributes.push(body); // `TH:` then its attributes, one per line
    } else {
      const role = body.replace(/[:\s].*$/, '');
      const node: StructNode = { role, attributes: [], text: '', children: [] };
      parent.children.push(node);
      stack.push({ depth, node });
    }
  }
  return root;
}

/** Every node of the tree, depth first (document order). */
export function nodes(tree: StructNode): StructNode[] {
  return [tree, ...tree.children.flatMap(nodes)];
}

/** The text of a node and all its descendants, in order. */
export function textOf(node: StructNode): string {
  return node.text + node.children.map(textOf).join('');
}

/** Roles in document order. */
export function roles(tree: StructNode): string[] {
  return nodes(tree).map((n) => n.role);
}

// pdf.js 6 calls Promise.withResolvers (Node 22); Node 20 needs this for it to load.
type Resolvers = { promise: Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
const P = Promise as unknown as { withResolvers?: () => Resolvers };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

interface PdfjsStructNode {
  role?: string;
  alt?: string;
  lang?: string;
  type?: string;
  id?: string;
  children?: PdfjsStructNode[];
}

export interface PdfjsPage {
  /** Figures on the page with their alt text (undefined when missing). */
  figures: { alt: string | undefined }[];
  /** Lang of every element that has one on this page (Spans, mostly). */
  langs: { role: string; lang: string; text: string }[];
  /** Visible text pdf.js finds outside any marked content: must be empty. */
  untagged: string[];
  /** Text inside marked content that the structure tree references, in structure order. */
  taggedText: string[];
  /** Text marked as artifacts. */
  artifactText: string[];
  /** Marked-content ids in the content stream that no structure element references. */
  orphanIds: string[];
}

/** What pdf.js (Firefox's reader) exposes per page: structure tree, marked text, artifacts. */
export async function pdfjsPages(file: string): Promise<PdfjsPage[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const data = new Uint8Array(readFileSync(file));
  const task = getDocument({ data, verbosity: 0, useSystemFonts: false });
  const pdf = await task.promise;
  const pages: PdfjsPage[] = [];
  try {
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const tree = (await page.getStructTree()) as PdfjsStructNode | null;
      const content = await page.getTextContent({ includeMarkedContent: true });
      const textById = new Map<string, string>();
      const untagged: string[] = [];
      const artifactText: string[] = [];
      const open: { tag?: string; id?: string }[] = [];
      for (const item of content.items as {
        type?: string;
        tag?: string;
        id?: string;
        str?: string;
      }[]) {
        if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') {
          open.push({ tag: item.tag, id: item.id });
        } else if (item.type === 'endMarkedContent') {
          open.pop();
        } else if (typeof item.str === 'string' && item.str.trim() !== '') {
          const inner = open.at(-1);
          if (!inner) untagged.push(item.str);
          else if (open.some((m) => m.tag === 'Artifact')) artifactText.push(item.str);
          else if (inner.id) textById.set(inner.id, (textById.get(inner.id) ?? '') + item.str);
        }
      }
      const page_: PdfjsPage = {
        figures: [],
        langs: [],
        untagged,
        taggedText: [],
        artifactText,
        orphanIds: [],
      };
      const referenced = new Set<string>();
      const visit = (node: PdfjsStructNode): string => {
        if (node.type === 'content' && node.id) {
          referenced.add(node.id);
          const text = textById.get(node.id) ?? '';
          if (text) page_.taggedText.push(text);
          return text;
        }
        const text = (node.children ?? []).map(visit).join('');
        if (node.role === 'Figure') page_.figures.push({ alt: node.alt });
        if (node.lang && node.role) page_.langs.push({ role: node.role, lang: node.lang, text });
        return text;
      };
      if (tree) visit(tree);
      page_.orphanIds = [...textById.keys()].filter((id) => !referenced.has(id));
      pages.push(page_);
      page.cleanup();
    }
  } finally {
    await task.destroy();
  }
  return pages;
}

export interface OperatorCount {
  /** Text objects (BT) in all pages' content streams. */
  textObjects: number;
  /** Text objects outside any marked-content sequence: must be 0. */
  textOutside: number;
  /** Painting operators (f, S, B, Do, …) outside any marked-content sequence: must be 0. */
  paintOutside: number;
  /** Marked-content sequences opened (BDC/BMC). */
  markedSequences: number;
}

const PAINT = new Set(['f', 'F', 'f*', 'S', 's', 'B', 'B*', 'b', 'b*', 'Do', 'sh']);

/** Counts operators in the uncompressed page content streams (`qpdf --qdf`). */
export function countOperators(file: string): OperatorCount {
  const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, '-'], {
    maxBuffer: 256 << 20,
  }).toString('latin1');
  const count: OperatorCount = { textObjects: 0, textOutside: 0, paintOutside: 0, markedSequences: 0 };
  const streams = qdf.split(/%% Contents for page \d+\n/).slice(1);
  for (const chunk of streams) {
    const stream = /stream\n([\s\S]*?)\nendstream/.exec(chunk)?.[1] ?? '';
    let depth = 0;
    // Operators are the last token of each line pdfkit writes; strings hold no newlines here.
    for (const line of stream.split('\n')) {
      const op = line.trim().split(/\s+/).at(-1) ?? '';
      if (op === 'BDC' || op === 'BMC') {
        depth += 1;
        count.markedSequences += 1;
      } else if (op === 'EMC') depth -= 1;
      else if (op === 'BT') {
        count.textObjects += 1;
        if (depth === 0) count.textOutside += 1;
      } else if (PAINT.has(op) && depth === 0) count.paintOutside += 1;
    }
  }
  return count;
}

/** The XMP metadata packet of a PDF, as text. */
export function xmpOf(file: string): string {
  const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, '-'], {
    maxBuffer: 256 << 20,
  }).toString('utf8');
  return /<x:xmpmeta[\s\S]*?<\/x:xmpmeta>/.exec(qdf)?.[0] ?? '';
}
