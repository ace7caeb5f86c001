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
  if (!enabled) return;
  doc.on('pageAdded', () => keep((doc.page as unknown as { content: ContentReference }).content));
}
