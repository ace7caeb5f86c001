import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPrint } from '../../src/render/print.ts';
import { compileTemplate } from '../../src/templates/compile.ts';
import { templatePackageFromFiles } from '../../src/templates/package-loader.ts';
import { testBrand } from '../support/test-brand.ts';
import { testPackageFiles } from '../support/test-package.ts';

/**
 * The brand's RGBA logo is split into colour and alpha once per process (render/pdf/png-alpha-cache.ts):
 * a document drawn from the cache must be byte for byte the one pdfkit makes alone — old documents
 * replay to their sha256.
 */
const AS_OF = '2026-11-30';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function letterWithLogo(extraBody: string[] = []) {
  const print = [
    'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }',
    'body:',
    '  - { type: logo }',
    '  - { type: text, text: "Dear {{customer.name}}" }',
    ...extraBody,
    '  - { type: logo, height: 20mm }',
  ].join('\n');
  return compileTemplate(templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': print })));
}

describe('a PNG logo with alpha, decoded once per process', () => {
  const brand = testBrand('bank');
  const data = { customer: { id: 'C-1', name: 'Ada' }, link: 'https://missive.example/r/Tk-42' };

  it('draws the same bytes from the cache as pdfkit does without it, with the soft mask intact', async () => {
    const template = letterWithLogo();
    // The first render splits the logo with pdfkit's own code (the cache is empty in this file's
    // process); the later ones reuse the split.
    const renders = [];
    for (const locale of ['en-GB', 'en-GB', 'zh-CN', 'en-GB']) {
      renders.push(await renderPrint(template, data, { asOf: AS_OF, locale, brand }));
    }
    const [first, second, zh, fourth] = renders.map((r) => sha(r!.bytes));
    expect(second).toBe(first);
    expect(fourth).toBe(first);
    expect(zh).not.toBe(first);

    const file = path.join(mkdtempSync(path.join(tmpdir(), 'missive-logo-')), 'logo.pdf');
    writeFileSync(file, renders[3]!.bytes);
    execFileSync('qpdf', ['--check', file]);
    const images = execFileSync('pdfimages', ['-list', file]).toString();
    expect(images).toMatch(/\bimage\b.*\brgb\b/);
    expect(images).toMatch(/\bsmask\b.*\bgray\b/);
  });

  it('keeps two templates with different content stable when interleaved', async () => {
    const a = letterWithLogo();
    const b = letterWithLogo(['  - { type: text, text: "A second paragraph" }']);
    const first = [await renderPrint(a, data, { asOf: AS_OF, locale: 'en-GB', brand })];
    const again = await Promise.all([
      renderPrint(b, data, { asOf: AS_OF, locale: 'en-GB', brand }),
      renderPrint(a, data, { asOf: AS_OF, locale: 'en-GB', brand }),
    ]);
    expect(sha(again[1].bytes)).toBe(sha(first[0]!.bytes));
  });
});
