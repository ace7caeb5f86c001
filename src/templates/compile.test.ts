import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testPackageFiles } from '../../test/support/test-package.ts';
import { MissiveError } from '../core/errors.ts';
import { compileTemplate } from './compile.ts';
import { loadTemplatePackage, templatePackageFromFiles } from './package-loader.ts';

const compileFiles = (overrides: Record<string, string | undefined>) =>
  compileTemplate(templatePackageFromFiles('letter', testPackageFiles(overrides)));

function failure(fn: () => unknown): MissiveError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MissiveError) return error;
    throw error;
  }
  throw new Error('expected a MissiveError');
}

const LAYOUT_HEAD =
  'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }\nbody:\n';

describe('compileTemplate', () => {
  it('compiles the shipped monthly statement with every string bound', async () => {
    const pkg = await loadTemplatePackage(
      path.resolve(import.meta.dirname, '../../templates/monthly-statement'),
    );
    const template = compileTemplate(pkg);
    expect(template.sha256).toBe(pkg.sha256);
    const greeting = template.print?.body.find((b) => b.type === 'text');
    const data = JSON.parse(pkg.files['sample-data.json'] ?? '{}');
    expect(greeting?.type === 'text' && greeting.text.render(data, template.runtime('zh-CN'))).toBe(
      '尊敬的Jane Smith：',
    );
    expect(template.validateData(data)).toBe(data);
  });

  it('a missing variable names the file, path, line and variable', () => {
    const template = compileFiles({
      'print.yaml': `${LAYOUT_HEAD}  - { type: text, text: "x" }\n  - { type: text, text: "Hi {{customer.nickname}}" }`,
    });
    const body = template.print?.body[1];
    const error = failure(
      () => body?.type === 'text' && body.text.render({ customer: { name: 'A' } }, template.runtime('en-GB')),
    );
    expect(error.code).toBe('MSV_TEMPLATE_VARIABLE_MISSING');
    expect(error.details).toMatchObject({
      file: 'print.yaml',
      field: 'body[1].text',
      line: 4,
      variable: 'customer.nickname',
    });
    expect(error.message).toBe(
      'print.yaml body[1].text: "customer.nickname" is not in the document data (looked up "nickname")',
    );
  });

  it('never puts data values into the message of a missing variable', () => {
    const template = compileFiles({
      'print.yaml': `${LAYOUT_HEAD}  - { type: text, text: "{{customer.name.first}}" }`,
    });
    const body = template.print?.body[0];
    const error = failure(
      () =>
        body?.type === 'text' &&
        body.text.render({ customer: { name: 'Zhang Wei' } }, template.runtime('en-GB')),
    );
    expect(error.message).not.toContain('Zhang');
  });

  it('lists Handlebars syntax errors and unknown helpers of a layout with path and line', () => {
    const layout = `${LAYOUT_HEAD}  - { type: text, text: "{{#if x}}open" }\n  - { type: text, text: "{{shout customer.name}}" }`;
    const error = failure(() => compileFiles({ 'print.yaml': layout }));
    expect(error.code).toBe('MSV_TEMPLATE_INVALID');
    expect(error.message).toContain('print.yaml:3 body[0].text');
    expect(error.message).toMatch(/print\.yaml:4 body\[1\]\.text: .*unknown helper shout/);
  });

  it('checks the string ids a layout uses and helper names used as variables', () => {
    const layout = `${LAYOUT_HEAD}  - { type: text, text: "{{t 'greting'}}" }\n  - { type: text, text: "{{date}}" }`;
    const error = failure(() => compileFiles({ 'print.yaml': layout }));
    expect(error.message).toContain('print.yaml:3 body[0].text: t: no string "greting" in the locale files');
    expect(error.message).toContain('print.yaml:4 body[1].text: {{date}} calls the helper "date"');
    const locale = failure(() =>
      compileFiles({ 'locales/zh-CN.json': JSON.stringify({ greeting: '{{number}}', page: 'x' }) }),
    );
    expect(locale.details).toMatchObject({ file: 'locales/zh-CN.json', field: 'greeting' });
  });

  it('refuses a locale the package does not have', () => {
    expect(failure(() => compileFiles({}).runtime('fr-FR')).details).toMatchObject({
      field: 'locales',
      locale: 'fr-FR',
    });
  });

  it('validates document data against the manifest schema, listing every problem', () => {
    const error = failure(() => compileFiles({}).validateData({ customer: { name: 7 }, items: 'none' }));
    expect(error.code).toBe('MSV_RENDER_DATA_INVALID');
    expect(error.message).toContain('customer.name');
    expect(error.message).toContain('items');
    expect(error.details.problems).toBe(2);
  });
});
