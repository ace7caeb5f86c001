import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testPackageFiles } from '../../test/support/test-package.ts';
import { MissiveError } from '../core/errors.ts';
import { loadTemplatePackage, packageSha256, templatePackageFromFiles } from './package-loader.ts';

function failure(fn: () => unknown): MissiveError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MissiveError) return error;
    throw error;
  }
  throw new Error('expected a MissiveError');
}

describe('templatePackageFromFiles', () => {
  it('hashes the sorted files: same content, same version, whatever the order', () => {
    const files = testPackageFiles();
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const a = templatePackageFromFiles('letter', files);
    expect(templatePackageFromFiles('letter', reversed).sha256).toBe(a.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    const changed = testPackageFiles({
      'locales/en-GB.json': JSON.stringify({ greeting: 'Hi', page: '{{current}}' }),
    });
    expect(templatePackageFromFiles('letter', changed).sha256).not.toBe(a.sha256);
  });

  it('frames each file so moving bytes between files changes the hash', () => {
    expect(packageSha256({ a: 'xy', b: '' })).not.toBe(packageSha256({ a: 'x', b: 'y' }));
  });

  it('lists every manifest problem with its path and line', () => {
    const manifest = JSON.stringify(
      { name: 'letter', channels: ['fax'], locales: [], dataSchema: {} },
      null,
      2,
    );
    const error = failure(() =>
      templatePackageFromFiles('letter', testPackageFiles({ 'manifest.json': manifest })),
    );
    expect(error.code).toBe('MSV_TEMPLATE_INVALID');
    expect(error.details.file).toBe('manifest.json');
    expect(error.message).toContain('manifest.json:1 description');
    expect(error.message).toMatch(/manifest\.json:4 channels\[0\]/);
    expect(error.message).toMatch(/manifest\.json:6 locales/);
    expect(error.message).toMatch(/dataSchema: the document data must be an object/);
  });

  it('names a JSON syntax error by line', () => {
    const error = failure(() =>
      templatePackageFromFiles(
        'letter',
        testPackageFiles({ 'locales/zh-CN.json': '{\n "greeting": "x",\n}' }),
      ),
    );
    expect(error.details).toMatchObject({ file: 'locales/zh-CN.json', line: 3 });
  });

  it('requires the package name to match and every locale file to exist with the same ids', () => {
    expect(failure(() => templatePackageFromFiles('other', testPackageFiles())).details.field).toBe('name');
    const missing = failure(() =>
      templatePackageFromFiles('letter', testPackageFiles({ 'locales/zh-CN.json': undefined })),
    );
    expect(missing.details.file).toBe('locales/zh-CN.json');
    const partial = failure(() =>
      templatePackageFromFiles(
        'letter',
        testPackageFiles({ 'locales/zh-CN.json': JSON.stringify({ greeting: 'x' }) }),
      ),
    );
    expect(partial.details).toMatchObject({ file: 'locales/zh-CN.json', field: 'page' });
  });

  it('lists every layout problem with path and line', () => {
    const layout = [
      'page: { size: A3, margins: { top: 20mm, right: 2 furlongs, bottom: 20mm, left: 20mm } }',
      'body:',
      '  - { type: text, text: "x", style: fancy }',
      '  - { type: paragraph, text: "x" }',
      '  - type: table',
      '    rows: items',
      '    columns: [{ id: a, header: "A", value: "{{row.a}}", width: wide }]',
      '    carry: { carried: "c", brought: "b", column: z, value: "v" }',
    ].join('\n');
    const error = failure(() =>
      templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': layout })),
    );
    expect(error.code).toBe('MSV_TEMPLATE_INVALID');
    expect(error.details.file).toBe('print.yaml');
    expect(error.message).toContain('print.yaml:1 page.size');
    expect(error.message).toContain('print.yaml:1 page.margins.right');
    expect(error.message).toContain('print.yaml:4 body[1].type');
    expect(error.message).toContain('print.yaml:7 body[2].columns[0].width');
  });

  it('reports cross-references (styles, carry column) once the structure is valid', () => {
    const layout = [
      'page: { size: A4, margins: { top: 1cm, right: 1cm, bottom: 1cm, left: 1cm } }',
      'body:',
      '  - { type: text, text: "x", style: fancy }',
      '  - type: table',
      '    rows: items',
      '    columns: [{ id: a, header: "A", value: "{{row.a}}", width: "*" }]',
      '    carry: { carried: "c", brought: "b", column: z, value: "v" }',
    ].join('\n');
    const error = failure(() =>
      templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': layout })),
    );
    expect(error.message).toContain('print.yaml:7 body[1].carry.column: not a column id (a)');
    const styled = failure(() =>
      templatePackageFromFiles(
        'letter',
        testPackageFiles({ 'print.yaml': layout.replace('column: z', 'column: a') }),
      ),
    );
    expect(styled.message).toContain('print.yaml:3 body[0].style: no style named "fancy"');
  });
});

describe('loadTemplatePackage', () => {
  it('loads the shipped monthly statement', async () => {
    const dir = path.resolve(import.meta.dirname, '../../templates/monthly-statement');
    const pkg = await loadTemplatePackage(dir);
    expect(pkg.name).toBe('monthly-statement');
    expect(pkg.manifest.locales).toEqual(['en-GB', 'zh-CN']);
    expect(Object.keys(pkg.files)).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'print.yaml',
        'locales/en-GB.json',
        'locales/zh-CN.json',
        'sample-data.json',
      ]),
    );
  });

  it('says when the folder does not exist', async () => {
    await expect(loadTemplatePackage('/nonexistent/template')).rejects.toMatchObject({
      code: 'MSV_TEMPLATE_NOT_FOUND',
    });
  });
});
