import { PDFDocument, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { pageFingerprint } from './page-fingerprint.ts';

/** A two-page PDF with a classic cross-reference table, as pdfkit writes; one square per page. */
async function pages(first: number, second: number, useObjectStreams = false): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  for (const grey of [first, second]) {
    const page = doc.addPage([200, 200]);
    page.drawRectangle({ x: 10, y: 10, width: 50, height: 50, color: rgb(grey, grey, grey) });
  }
  return doc.save({ useObjectStreams });
}

describe('pageFingerprint', () => {
  it('keeps a page whose content did not change, and only that page', async () => {
    const a = await pages(0.1, 0.5);
    const b = await pages(0.9, 0.5);
    const c = await pages(0.9, 0.2);
    expect(pageFingerprint(a, 2)).toBeDefined();
    expect(pageFingerprint(a, 2)).toBe(pageFingerprint(b, 2));
    expect(pageFingerprint(a, 1)).not.toBe(pageFingerprint(b, 1));
    expect(pageFingerprint(b, 1)).toBe(pageFingerprint(c, 1));
    expect(pageFingerprint(b, 2)).not.toBe(pageFingerprint(c, 2));
    expect(pageFingerprint(a, 1)).not.toBe(pageFingerprint(a, 2));
  });

  it('gives up (undefined) on what it does not read: no such page, an xref stream, not a PDF', async () => {
    expect(pageFingerprint(await pages(0.1, 0.5), 3)).toBeUndefined();
    expect(pageFingerprint(await pages(0.1, 0.5, true), 1)).toBeUndefined();
    expect(pageFingerprint(Buffer.from('not a pdf'), 1)).toBeUndefined();
  });
});
