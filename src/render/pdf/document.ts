import PDFDocument from 'pdfkit';
import { MissiveError } from '../../core/errors.ts';
import { keepContentWrites } from './content-writes.ts';
import type { FontFace } from './fonts.ts';

export interface PdfDocumentOptions {
  /** YYYY-MM-DD: the document's creation and modification date, and so its file ID. */
  asOf: string;
  title: string;
  author?: string | undefined;
  subject?: string | undefined;
  keywords?: string | undefined;
  lang: string;
  /** PDF/A-2b: pdfkit adds the XMP metadata (dates from asOf) and the sRGB output intent. */
  pdfa: boolean;
  /** A tagged PDF: structure tree and MarkInfo (pdfkit `tagged`), PDF/A-2a instead of 2b, PDF/UA-1 in XMP. */
  tagged?: boolean | undefined;
  fonts: readonly FontFace[];
}

const PDFUA_ID = `
        <rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" rdf:about="">
            <pdfuaid:part>1</pdfuaid:part>
        </rdf:Description>
        `;

/** UTC midnight of a YYYY-MM-DD date, or MSV_RENDER_FAILED. */
export function asOfDate(asOf: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? new Date(`${asOf}T00:00:00Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(asOf)) {
    throw new MissiveError('MSV_RENDER_FAILED', 'asOf must be a calendar date as YYYY-MM-DD', {
      field: 'asOf',
    });
  }
  return date;
}

/**
 * A pdfkit document whose bytes depend only on what is drawn: no clock (CreationDate/ModDate come from
 * asOf, and pdfkit derives the file ID from the info dictionary), no default Helvetica (`font: null`
 * keeps an unused standard font out of the file), no automatic first page. `bufferPages` keeps every
 * page open so headers and footers ("Page 2 of 3") are drawn once the page count is known.
 */
export function createPdfDocument(options: PdfDocumentOptions): PDFKit.PDFDocument {
  const date = asOfDate(options.asOf);
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    compress: true,
    font: null as unknown as string,
    lang: options.lang,
    displayTitle: true,
    ...(options.pdfa
      ? { pdfVersion: '1.7' as const, subset: options.tagged ? ('PDF/A-2a' as const) : ('PDF/A-2b' as const) }
      : options.tagged
        ? { pdfVersion: '1.7' as const, subset: 'PDF/UA' as unknown as PDFKit.Mixins.PDFSubsets }
        : {}),
    ...(options.tagged ? { tagged: true } : {}),
    info: {
      Title: options.title,
      ...(options.author ? { Author: options.author } : {}),
      ...(options.subject ? { Subject: options.subject } : {}),
      ...(options.keywords ? { Keywords: options.keywords } : {}),
      Producer: 'Missive',
      Creator: 'Missive',
      CreationDate: date,
      ModDate: date,
    },
  });
  // PDF/UA-1 next to PDF/A-2a: pdfkit writes one subset's identification, the other is added here.
  if (options.tagged && options.pdfa) doc.appendXML(PDFUA_ID);
  for (const face of options.fonts) {
    doc.registerFont(face.name, face.font as unknown as PDFKit.Mixins.PDFFontSource);
  }
  keepContentWrites(doc);
  return doc;
}

let directWrites = true;
/** Tests switch the direct writes off to prove they never change the bytes. */
export function setDirectWritesEnabled(on: boolean): void {
  directWrites = on;
}

/** pdfkit's document internals `collectBytes` relies on (pdfkit ships no types for them). */
interface WritingDocument {
  _write(data: unknown): void;
  _offset: number;
  _offsets: (number | null)[];
  _security?: unknown;
  _finalize(): void;
  _root: { toString(): string };
  _info: { toString(): string };
  _id: Uint8Array;
  push(chunk: null): boolean;
}

/** One xref entry as pdfkit prints it: the offset in 10 digits, ` 00000 n `, its newline (20 bytes). */
const XREF_ENTRY = Buffer.from('0000000000 00000 n \n', 'latin1');

/**
 * The xref table's entries in one buffer, the bytes pdfkit's `_finalize` writes one line at a time
 * (a padded string, a slice and a write per object: a tagged statement has ~300 objects, most of
 * them structure elements). Undefined when an object was never written (pdfkit prints it as is).
 */
export function xrefEntries(offsets: readonly (number | null)[]): Buffer | undefined {
  const out = Buffer.allocUnsafe(offsets.length * 20);
  for (let i = 0; i < offsets.length; i += 1) {
    let offset = offsets[i];
    if (typeof offset !== 'number' || !(offset >= 0 && offset < 1e10) || offset % 1 !== 0) return undefined;
    const at = i * 20;
    XREF_ENTRY.copy(out, at);
    for (let d = at + 9; offset > 0; d -= 1) {
      out[d] = 0x30 + (offset % 10);
      offset = Math.floor(offset / 10);
    }
  }
  return out;
}

/** One buffer of the parts in order: strings one byte per UTF-16 unit (its low byte), as pdfkit. */
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

/**
 * Resolves with every byte the document writes; attach before drawing, then call `doc.end()`.
 *
 * pdfkit writes a document as a stream of small pieces (each object's header, dictionary, stream and
 * `endobj`; every xref line): `_write` turns each string into a Uint8Array a character at a time
 * (`charCodeAt & 0xff`) and pushes it through the Readable stream, a 'data' event each — thousands
 * per tagged statement. Here `_write` keeps the pieces as they come, advancing `_offset` (which
 * pdfkit reads for the xref) by exactly the bytes pdfkit would have written, and the document is
 * assembled once at the end: strings written with Node's latin1 encoding, which also keeps the low
 * byte of each UTF-16 unit (checked for all 65,536). The stream still ends through pdfkit's own
 * `push(null)`.
 */
export function collectBytes(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  const chunks: (string | Uint8Array)[] = [];
  let length = 0;
  // Consecutive strings are joined as they come (a rope, flattened once at the end): one latin1
  // write for a run of objects and xref lines instead of one per piece.
  let text = '';
  const flush = (): void => {
    if (text !== '') chunks.push(text);
    text = '';
  };
  if (directWrites) {
    // What the constructor wrote (the %PDF header) waits in the stream's buffer: it comes first.
    const written = doc.read() as Buffer | null;
    if (written) {
      chunks.push(written);
      length += written.length;
    }
    const writing = doc as unknown as WritingDocument;
    writing._write = (data: unknown): void => {
      if (data instanceof Uint8Array) {
        flush();
        chunks.push(data);
        length += data.length;
        writing._offset += data.length;
      } else {
        const line = `${data as string}\n`;
        text += line;
        length += line.length;
        writing._offset += line.length;
      }
    };
    // pdfkit's _finalize (the xref table and trailer) with the entries written as one buffer.
    const finalize = writing._finalize;
    writing._finalize = function (this: WritingDocument): void {
      const entries = this._security ? undefined : xrefEntries(this._offsets);
      if (!entries) {
        finalize.call(this);
        return;
      }
      const xref = this._offset;
      const size = this._offsets.length + 1;
      const id = Buffer.from(this._id.buffer, this._id.byteOffset, this._id.byteLength).toString('hex');
      this._write('xref');
      this._write(`0 ${size}`);
      this._write('0000000000 65535 f ');
      this._write(entries);
      this._write('trailer');
      this._write(`<<\n/Size ${size}\n/Root ${this._root}\n/Info ${this._info}\n/ID [<${id}> <${id}>]\n>>`);
      this._write('startxref');
      this._write(`${xref}`);
      this._write('%%EOF');
      this.push(null);
    };
  }
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => {
      flush();
      chunks.push(chunk);
      length += chunk.length;
    });
    doc.on('end', () => {
      flush();
      resolve(assemble(chunks, length));
    });
    doc.on('error', reject);
  });
}
