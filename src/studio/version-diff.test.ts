import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffFiles, diffLocale, isTextFile, pageComparison } from './version-diff.ts';

/** The shipped monthly-statement package's text files (no I/O in the code under test). */
function shippedFiles(name: string): Record<string, string> {
  const dir = path.resolve('templates', name);
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const file = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(file);
      else if (isTextFile(file)) files[file] = fs.readFileSync(path.join(dir, file), 'utf8');
    }
  };
  walk('');
  return files;
}

describe('diffFiles', () => {
  it('names added, removed and changed text files in name order, with hunks', () => {
    const diff = diffFiles(
      { 'b.hbs': 'one\ntwo\n', 'gone.hbs': 'x', 'same.hbs': 's' },
      { 'b.hbs': 'one\nTWO\n', 'new.hbs': 'y', 'same.hbs': 's' },
    );
    expect(diff.map((f) => [f.file, f.change])).toEqual([
      ['b.hbs', 'changed'],
      ['gone.hbs', 'removed'],
      ['new.hbs', 'added'],
    ]);
    const lines = diff[0]!.hunks.flatMap((h) => h.lines);
    expect(lines).toContainEqual({ kind: 'del', text: 'two', a: 2 });
    expect(lines).toContainEqual({ kind: 'add', text: 'TWO', b: 2 });
  });

  it('leaves binary files out, changed or not', () => {
    expect(diffFiles({ 'logo.png': 'a', 'font.woff2': 'a' }, { 'logo.png': 'b' })).toEqual([]);
  });

  it('is empty for the same files and lists every file of a version against nothing (property)', () => {
    const files = fc.dictionary(fc.constantFrom('a.hbs', 'b.json', 'c.yaml', 'd.css'), fc.string());
    fc.assert(
      fc.property(files, (f) => {
        expect(diffFiles(f, { ...f })).toEqual([]);
        const added = diffFiles({}, f).filter((d) => d.change === 'added');
        expect(added.map((d) => d.file)).toEqual(
          Object.keys(f)
            .filter((k) => f[k] !== undefined)
            .sort(),
        );
      }),
    );
  });
});

describe('pageComparison', () => {
  it('compares print pages in the locale asked for, else the package first locale', () => {
    const files = shippedFiles('monthly-statement');
    expect(pageComparison('monthly-statement', files, 'zh-CN')).toEqual({ print: true, locale: 'zh-CN' });
    const first = JSON.parse(files['manifest.json']!).locales[0];
    expect(pageComparison('monthly-statement', files, undefined)).toEqual({ print: true, locale: first });
    expect(pageComparison('monthly-statement', files, 'not a locale').locale).toBe(first);
  });

  it('compares no pages when the manifest is broken', () => {
    expect(pageComparison('x', { 'manifest.json': '{' }, undefined)).toEqual({
      print: false,
      locale: 'en-GB',
    });
    expect(pageComparison('x', {}, 'zh-CN')).toEqual({ print: false, locale: 'zh-CN' });
  });

  it('accepts only xx-YY locales from the query', () => {
    expect(diffLocale('en-GB')).toBe('en-GB');
    expect(diffLocale('en')).toBeUndefined();
    expect(diffLocale('<script>')).toBeUndefined();
    expect(diffLocale(undefined)).toBeUndefined();
  });
});
