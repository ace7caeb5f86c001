import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdfPageToPng, pdfPageToPpm, withoutSrgbIntent } from './pdf-png.ts';
import { encodePng, parsePpm } from './rgb-image.ts';

/** Two A6 pages: the first white, the second filled with one colour. */
async function twoPages(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([298, 420]);
  const second = doc.addPage([298, 420]);
  second.drawRectangle({ x: 0, y: 0, width: 298, height: 420, color: rgb(1, 0, 0) });
  return doc.save();
}

describe('PDF pages rasterised by pdftoppm in the helper child', () => {
  it('gives each page as PPM and as the PNG that encodePng makes of it, pages at once', async () => {
    const pdf = await twoPages();
    const [ppm1, ppm2, png2] = await Promise.all([
      pdfPageToPpm(pdf, 1, 30),
      pdfPageToPpm(pdf, 2, 30),
      pdfPageToPng(pdf, 2, 30),
    ]);
    const first = parsePpm(ppm1);
    const second = parsePpm(ppm2);
    expect([first.width, first.height]).toEqual([125, 175]);
    expect([...first.data.subarray(0, 3)]).toEqual([255, 255, 255]);
    expect([...second.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect(png2.equals(await encodePng(second))).toBe(true);
    const { info } = await sharp(png2).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([125, 175]);
  });

  it('names the page pdftoppm refused, and keeps working after', async () => {
    const pdf = await twoPages();
    await expect(pdfPageToPng(pdf, 3, 30)).rejects.toMatchObject({
      code: 'MSV_RENDER_FAILED',
      message: expect.stringMatching(/^pdftoppm failed on page 3: /),
    });
    await expect(pdfPageToPng(Buffer.from('not a pdf'), 1, 30)).rejects.toMatchObject({
      code: 'MSV_RENDER_FAILED',
    });
    expect((await pdfPageToPpm(pdf, 1, 30)).subarray(0, 2).toString()).toBe('P6');
  });

  it('hides an sRGB PDF/A output intent from pdftoppm (same length, a copy), and no other', () => {
    const intent = (id: string) =>
      `<< /Type /OutputIntent /S /GTS_PDFA1 /Info (${id}) /OutputConditionIdentifier (${id}) /DestOutputProfile 9 0 R >>`;
    const pdf = (...ids: string[]) =>
      Buffer.from(
        `1 0 obj\n<< /Type /Catalog /OutputIntents [8 0 R] >>\nendobj\n${ids.map(intent).join('\n')}`,
      );
    const srgb = pdf('sRGB IEC61966-2.1');
    const out = Buffer.from(withoutSrgbIntent(srgb));
    expect(out.toString()).toBe(srgb.toString().replace('/OutputIntents', '/OutputIntentX'));
    expect(srgb.toString()).toContain('/OutputIntents');
    const cmyk = pdf('FOGRA39');
    expect(withoutSrgbIntent(cmyk)).toBe(cmyk);
    const two = pdf('sRGB IEC61966-2.1', 'FOGRA39');
    expect(withoutSrgbIntent(two)).toBe(two);
  });
});
