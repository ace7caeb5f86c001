import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { keepContentWrites, setContentWritesEnabled } from './content-writes.ts';
import { collectBytes, createPdfDocument } from './document.ts';
import { getFont } from './fonts.ts';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Two pages drawn out of order (the footer of page 1 last), Chinese and Latin text, marked content. */
function draw(doc: PDFKit.PDFDocument): void {
  doc.addPage({ size: 'A4' });
  doc.font('regular').fontSize(11).text('对账单 2026年10月 — 账户 0123 £12.30 ✓', 50, 50);
  doc.markContent('Artifact', { type: 'Layout' });
  doc.rect(50, 100, 200, 20).fill('#336699');
  doc.endMarkedContent();
  doc.addPage({ size: 'A4' });
  doc.text('Page two (with parentheses) \\ and a backslash', 50, 50, { width: 120 });
  doc.switchToPage(0);
  doc.text('Page 1 of 2', 50, 780);
}

async function tagged(): Promise<string> {
  const doc = createPdfDocument({
    asOf: '2026-10-31',
    title: '对账单',
    lang: 'zh-CN',
    pdfa: true,
    tagged: true,
    fonts: [getFont('regular')],
  });
  const bytes = collectBytes(doc);
  draw(doc);
  doc.end();
  return sha(await bytes);
}

/** pdfkit without compression: the content streams' Length is what was counted while writing. */
async function uncompressed(): Promise<string> {
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    compress: false,
    font: null as unknown as string,
    info: { CreationDate: new Date(0), ModDate: new Date(0) },
  });
  keepContentWrites(doc);
  doc.registerFont('regular', getFont('regular').font as unknown as PDFKit.Mixins.PDFFontSource);
  const bytes = collectBytes(doc);
  draw(doc);
  doc.end();
  return sha(await bytes);
}

describe('page contents kept until the page is written', () => {
  it('give the bytes of pdfkit’s own content writes, compressed and not', async () => {
    setContentWritesEnabled(false);
    let before: string[];
    try {
      before = [await tagged(), await uncompressed()];
    } finally {
      setContentWritesEnabled(true);
    }
    expect([await tagged(), await uncompressed()]).toEqual(before);
    expect([await uncompressed(), await tagged()]).toEqual([before[1], before[0]]);
  });
});
