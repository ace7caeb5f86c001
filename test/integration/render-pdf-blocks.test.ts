import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MissiveError } from '../../src/core/errors.ts';
import { renderPrint } from '../../src/render/print.ts';
import { compileTemplate } from '../../src/templates/compile.ts';
import { loadTemplatePackage, templatePackageFromFiles } from '../../src/templates/package-loader.ts';
import { testBrand } from '../support/test-brand.ts';
import { testPackageFiles } from '../support/test-package.ts';

/** The telecom bill is the telco brand's; the other packages here read no brand. */
const BRAND = testBrand('telco');

/** QR/barcode, chart, image, font fallback and metadata, checked with poppler, qpdf and zbarimg. */
const dir = mkdtempSync(path.join(tmpdir(), 'missive-blocks-'));
const AS_OF = '2026-11-30';
const hasZbar = spawnSync('zbarimg', ['--version']).status === 0;

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function letter(body: string[], extra: Record<string, string> = {}, styles: string[] = []) {
  const print = [
    'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }',
    'styles:',
    '  strong: { font: bold }',
    ...styles,
    'body:',
    ...body,
  ].join('\n');
  return compileTemplate(
    templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': print, ...extra })),
  );
}

/** A w×h 8-bit greyscale PNG, optionally lying about its size in the header. */
function png(w: number, h: number, claim = { w, h }): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(claim.w, 0);
  ihdr.writeUInt32BE(claim.h, 4);
  ihdr[8] = 8;
  const rows = Buffer.alloc(h * (w + 1));
  for (let y = 0; y < h; y += 1)
    for (let x = 0; x < w; x += 1) rows[y * (w + 1) + 1 + x] = (x * 7 + y * 3) % 256;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const data = { customer: { id: 'C-1', name: 'Ana' }, link: 'https://missive.example/r/Tk-42' };

describe('qr and barcode blocks', () => {
  it('draws vector codes that decode back to their values', async () => {
    const t = letter([
      '  - { type: qr, value: "{{link}}", size: 40mm }',
      '  - { type: qr, value: "{{customer.id}}", symbology: datamatrix, size: 25mm, spaceBefore: 5mm }',
      '  - { type: barcode, value: "INV0042", width: 80mm, height: 15mm, spaceBefore: 5mm }',
    ]);
    const a = await renderPrint(t, data, { asOf: AS_OF, locale: 'en-GB', brand: BRAND });
    const b = await renderPrint(t, data, { asOf: AS_OF, locale: 'en-GB', brand: BRAND });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const file = save('codes.pdf', a.bytes);
    execFileSync('qpdf', ['--check', file]);
    expect(execFileSync('pdfimages', ['-list', file]).toString().split('\n').length).toBeLessThanOrEqual(3); // vectors
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', file, path.join(dir, 'codes')]);
    if (!hasZbar) return;
    const found = spawnSync('zbarimg', ['-q', path.join(dir, 'codes-1.png')]).stdout.toString();
    expect(found).toContain('QR-Code:https://missive.example/r/Tk-42');
    expect(found).toContain('CODE-128:INV0042');
  });

  it('fails with MSV_RENDER_BARCODE_INVALID naming the field', async () => {
    const t = letter(['  - { type: barcode, value: "{{customer.name}}", symbology: ean13 }']);
    await expect(renderPrint(t, data, { asOf: AS_OF, locale: 'en-GB', brand: BRAND })).rejects.toMatchObject({
      code: 'MSV_RENDER_BARCODE_INVALID',
      details: { field: 'body[0].value', customerId: 'C-1' },
    });
  });
});

describe('image block', () => {
  const body = ['  - { type: image, src: images/logo.png, width: 30mm }'];
  it('embeds a checked PNG from the package', async () => {
    const t = letter(body, { 'images/logo.png.b64': png(40, 20).toString('base64') });
    const file = save(
      'image.pdf',
      (await renderPrint(t, data, { asOf: AS_OF, locale: 'en-GB', brand: BRAND })).bytes,
    );
    execFileSync('qpdf', ['--check', file]);
    expect(execFileSync('pdfimages', ['-list', file]).toString()).toMatch(/\s40\s+20\s+gray/);
  });

  it.each([
    ['missing', undefined, /no file images\/logo.png.b64/],
    ['not an image', Buffer.from('<svg/>').toString('base64'), /neither PNG nor JPEG/],
    ['truncated', png(40, 20).subarray(0, 60).toString('base64'), /truncated/],
    ['too large', png(10, 10, { w: 20_000, h: 20_000 }).toString('base64'), /20000×20000/],
    ['a bomb', png(3000, 3000, { w: 10, h: 10 }).toString('base64'), /inflate|match/],
  ])('rejects an image that is %s at compile (lint), not at render', (_, b64, message) => {
    const extra: Record<string, string> = b64 === undefined ? {} : { 'images/logo.png.b64': b64 };
    try {
      letter(body, extra);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MissiveError);
      expect((error as MissiveError).code).toBe('MSV_TEMPLATE_IMAGE_INVALID');
      expect((error as MissiveError).message).toMatch(message);
    }
  });
});

describe('font fallback chain', () => {
  const styles = ['  mixed: { fonts: [regular, symbols] }'];
  it('draws mixed Chinese, Latin and symbol text from the chain, embedding both fonts', async () => {
    const t = letter(
      ['  - { type: text, text: "航班 ✈ Flight BA38 ✈ 北京 → London", style: mixed }'],
      {},
      styles,
    );
    const file = save(
      'mixed.pdf',
      (await renderPrint(t, data, { asOf: AS_OF, locale: 'zh-CN', brand: BRAND })).bytes,
    );
    execFileSync('qpdf', ['--check', file]);
    const fonts = execFileSync('pdffonts', [file]).toString();
    expect(fonts).toMatch(/NotoSansSC/);
    expect(fonts).toMatch(/DejaVuSans/);
    expect(execFileSync('pdftotext', [file, '-']).toString()).toContain('航班 ✈ Flight BA38 ✈ 北京 → London');
  });

  it('fails only when no font of the chain has the glyph, naming character, field and customer', async () => {
    const t = letter(['  - { type: text, text: "ok \u{1F9EA}", style: mixed }'], {}, styles);
    await expect(renderPrint(t, data, { asOf: AS_OF, locale: 'en-GB', brand: BRAND })).rejects.toMatchObject({
      code: 'MSV_RENDER_GLYPH_MISSING',
      message: expect.stringMatching(/U\+1F9EA.*regular, symbols.*customer C-1/),
      details: { field: 'body[0].text', customerId: 'C-1', character: 'U+1F9EA' },
    });
  });
});

describe('sample packages', () => {
  it('telecom-bill: metadata, PDF/A-2b, chart, QR and usage across pages', async () => {
    const root = path.resolve('templates', 'telecom-bill');
    const t = compileTemplate(await loadTemplatePackage(root));
    const sample = JSON.parse(readFileSync(path.join(root, 'sample-data.json'), 'utf8'));
    const artifact = await renderPrint(t, sample, { asOf: AS_OF, locale: 'en-GB', brand: BRAND });
    const again = await renderPrint(t, sample, { asOf: AS_OF, locale: 'en-GB', brand: BRAND });
    expect(again.sha256).toBe(artifact.sha256);
    const file = save('telecom.pdf', artifact.bytes);
    execFileSync('qpdf', ['--check', file]);
    const info = execFileSync('pdfinfo', [file]).toString();
    expect(info).toMatch(/Title:\s+Missive Mobile bill 30 November 2026/);
    expect(info).toMatch(/Author:\s+Missive Mobile/);
    expect(info).toMatch(/PDF version:\s+1\.7/);
    const xmp = execFileSync('pdfinfo', ['-meta', file]).toString();
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    // The shipped bill is tagged (document.tagged): PDF/A-2a with PDF/UA-1.
    expect(xmp).toContain('<pdfaid:conformance>A</pdfaid:conformance>');
    expect(xmp).toContain('<pdfuaid:part>1</pdfuaid:part>');
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    expect(text).toContain('Data used, last 12 months (GB)');
    expect(text).toContain('Brought forward');
    expect(artifact.pages).toBeGreaterThan(1);
  });
});
