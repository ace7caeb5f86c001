import PDFDocument from 'pdfkit';
import { MissiveError } from '../../core/errors.ts';
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
  return doc;
}

/** Resolves with every byte the document writes; attach before drawing, then call `doc.end()`. */
export function collectBytes(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
