import PDFDocument from 'pdfkit';

/**
 * Page contents kept as strings until the page is written (issue 22 performance). pdfkit writes
 * every operator of a page's content stream (`BT`, `Tf`, `TJ`, a tagged document's `BDC`/`EMC` around
 * each marked sequence…) through `PDFReference.write`, which turns the string into a new Uint8Array a
 * character at a time (`charCodeAt & 0xff`): thousands of small typed arrays per statement, most of
 * the garbage collection a render causes, and more in a tagged document (two operators per marked
 * sequence). Here each page's content reference keeps the pieces as they come (counting `Length`
 * as pdfkit does) and hands pdfkit one buffer when the page is written: strings in Node's latin1
 * encoding, which keeps the low byte of each UTF-16 unit as pdfkit does. The bytes do not change.
 */

/** pdfkit's page content reference (pdfkit ships no types for it). */
interface ContentReference {
  data: { Length?: number; Filter?: string };
  compress: boolean;
  uncompressedLength: number;
  buffer: Uint8Array[];
  write(chunk: unknown): void;
  finalize(): void;
}

let enabled = true;
/** Tests and benchmarks switch it off to prove it never changes the bytes. */
export function setContentWritesEnabled(on: boolean): void {
  enabled = on;
}

function assemble(parts: readonly (string | Uint8Array)[], length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const part of parts) {
    if (typeof part === 'string') at += out.write(part, at, 'latin1');
    else {
      out.set(part, at);
      at += part.length;
    }
  }
  return at === length ? out : out.subarray(0, at);
}

function keep(content: ContentReference): void {
  // What pdfkit wrote before announcing the page (its flip of the y axis) comes first.
  const parts: (string | Uint8Array)[] = [...content.buffer];
  let length = 0;
  for (const part of parts) length += part.length;
  content.buffer = [];
  // Consecutive strings are joined as they come (a rope, flattened once when the page is written):
  // one latin1 write per page instead of one per operator.
  let text = '';
  const data = content.data;
  content.write = (chunk: unknown): void => {
    let size: number;
    if (chunk instanceof Uint8Array) {
      if (text !== '') parts.push(text);
      text = '';
      parts.push(chunk);
      size = chunk.length;
    } else {
      const line = `${String(chunk)}\n`;
      text += line;
      size = line.length;
    }
    length += size;
    content.uncompressedLength += size;
    data.Length = (data.Length ?? 0) + size;
    if (content.compress) data.Filter = 'FlateDecode';
  };
  const finalize = content.finalize;
  content.finalize = (): void => {
    if (text !== '') parts.push(text);
    text = '';
    if (parts.length > 0) content.buffer = [assemble(parts, length)];
    parts.length = 0;
    finalize.call(content);
  };
}

/** Keeps each new page's content writes (see above); call right after making the document. */
export function keepContentWrites(doc: PDFKit.PDFDocument): void {
  if (oneByteTransform) (doc as unknown as TransformingDocument).transform = transform;
  if (!enabled) return;
  doc.on('pageAdded', () => keep((doc.page as unknown as { content: ContentReference }).content));
}

/**
 * pdfkit's `transform` (a page's flip of the y axis, the flip before every text, translate, scale,
 * rotate), with its `cm` operator printed by string concatenation instead of pdfkit's
 * `[…].map(number).join(' ')`. V8's Array.prototype.join answers two bytes per character as soon
 * as a number's cached string is a thin string (a number once used as a property key, such as -1,
 * is internalised behind one): every `1 0 0 -1 0 841.89 cm` came out two-byte, and with it the
 * whole page rope above, which V8 then flattened to UTF-16 before the latin1 write. Concatenation
 * looks through thin strings. Same numbers (pdfkit's `PDFObject.number`: rounded to 6 decimals,
 * printed by `Number#toString`, -0 as `0` either way), same matrix; anything out of pdfkit's range
 * goes to pdfkit's own transform, which throws as before.
 */
interface TransformingDocument {
  _ctm: number[];
  addContent(data: string): unknown;
  transform(m11: number, m12: number, m21: number, m22: number, dx: number, dy: number): unknown;
}

let oneByteTransform = true;
/** Tests and benchmarks switch it off to prove it never changes the bytes. */
export function setOneByteTransformEnabled(on: boolean): void {
  oneByteTransform = on;
}

const pdfkitTransform = PDFDocument.prototype.transform as unknown as TransformingDocument['transform'];
const inRange = (n: number): boolean => n > -1e21 && n < 1e21;
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

function transform(
  this: TransformingDocument,
  m11: number,
  m12: number,
  m21: number,
  m22: number,
  dx: number,
  dy: number,
): unknown {
  if (!(inRange(m11) && inRange(m12) && inRange(m21) && inRange(m22) && inRange(dx) && inRange(dy)))
    return pdfkitTransform.call(this, m11, m12, m21, m22, dx, dy);
  if (m11 === 1 && m12 === 0 && m21 === 0 && m22 === 1 && dx === 0 && dy === 0) return this;
  const m = this._ctm;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = m;
  m[0] = m0 * m11 + m2 * m12;
  m[1] = m1 * m11 + m3 * m12;
  m[2] = m0 * m21 + m2 * m22;
  m[3] = m1 * m21 + m3 * m22;
  m[4] = m0 * dx + m2 * dy + m4;
  m[5] = m1 * dx + m3 * dy + m5;
  return this.addContent(
    `${round(m11)} ${round(m12)} ${round(m21)} ${round(m22)} ${round(dx)} ${round(dy)} cm`,
  );
}
