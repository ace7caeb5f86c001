import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testPackageFiles } from '../../test/support/test-package.ts';
import { MissiveError } from '../core/errors.ts';
import { compileTemplate } from '../templates/compile.ts';
import { templatePackageFromFiles } from '../templates/package-loader.ts';
import { renderPrint } from './print.ts';

const compile = (overrides: Record<string, string | undefined> = {}) =>
  compileTemplate(templatePackageFromFiles('letter', testPackageFiles(overrides)));

async function failure(promise: Promise<unknown>): Promise<MissiveError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MissiveError) return error;
    throw error;
  }
  throw new Error('expected a MissiveError');
}

describe('renderPrint', () => {
  const template = compile();
  const options = { asOf: '2026-11-30', locale: 'zh-CN' };

  it('returns a PDF artifact with its sha256, size and page count', async () => {
    const artifact = await renderPrint(template, { customer: { name: '王芳' } }, options);
    expect(artifact.mime).toBe('application/pdf');
    expect(Buffer.from(artifact.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(artifact.sha256).toBe(createHash('sha256').update(artifact.bytes).digest('hex'));
    expect(artifact.size).toBe(artifact.bytes.byteLength);
    expect(artifact.pages).toBe(1);
  });

  it('gives the same bytes for the same input, whatever was rendered in between', async () => {
    const a = await renderPrint(template, { customer: { name: 'Ann · Bo' } }, options);
    await renderPrint(
      template,
      { customer: { name: 'Ann • Bo — 中文' } },
      { ...options, asOf: '2026-12-31' },
    );
    const b = await renderPrint(template, { customer: { name: 'Ann · Bo' } }, options);
    expect(b.sha256).toBe(a.sha256);
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes))).toBe(0);
  });

  it('names a character without a glyph and the field it is in', async () => {
    const error = await failure(renderPrint(template, { customer: { name: 'Ann 😀' } }, options));
    expect(error.code).toBe('MSV_RENDER_GLYPH_MISSING');
    expect(error.details).toMatchObject({
      file: 'print.yaml',
      field: 'body[0].text',
      character: 'U+1F600',
      font: 'bold',
    });
  });

  it('checks the data against the schema before drawing', async () => {
    const error = await failure(renderPrint(template, { customer: {} }, options));
    expect(error.code).toBe('MSV_RENDER_DATA_INVALID');
    expect(error.details.field).toBe('customer.name');
  });

  it('names a block that cannot fit its band', async () => {
    const tall = compile({
      'print.yaml': testPackageFiles()['print.yaml']!.replace('height: 10mm', 'height: 2mm'),
    });
    const error = await failure(renderPrint(tall, { customer: { name: 'A' } }, options));
    expect(error.code).toBe('MSV_RENDER_FAILED');
    expect(error.details.field).toBe('footer.blocks[0]');
  });

  it('breaks a long table over pages with the header repeated', async () => {
    const layout = [
      'page: { size: A5, margins: { top: 10mm, right: 10mm, bottom: 10mm, left: 10mm } }',
      'body:',
      '  - type: table',
      '    rows: items',
      '    columns:',
      '      - { id: n, header: "No.", value: "{{index}}", width: 20mm }',
      '      - { id: v, header: "Value", value: "{{number row.v 2}}", width: "*", align: right }',
      '    carry: { carried: "c/f", brought: "b/f", column: v, value: "{{number sum.v 2}}" }',
    ].join('\n');
    const items = Array.from({ length: 120 }, (_, i) => ({ v: i / 4 }));
    const artifact = await renderPrint(
      compile({ 'print.yaml': layout }),
      { customer: { name: 'A' }, items },
      options,
    );
    expect(artifact.pages).toBeGreaterThanOrEqual(3);
  });

  it('rejects an asOf that is not a date and a locale the template lacks', async () => {
    expect(
      (await failure(renderPrint(template, { customer: { name: 'A' } }, { ...options, asOf: '30/11/2026' })))
        .details.field,
    ).toBe('asOf');
    expect(
      (await failure(renderPrint(template, { customer: { name: 'A' } }, { ...options, locale: 'fr-FR' })))
        .code,
    ).toBe('MSV_TEMPLATE_INVALID');
  });
});
