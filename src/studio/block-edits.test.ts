import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MissiveError } from '../core/errors.ts';
import { addParagraph, newStringId, setStrings, textBlocksOf, withMissingFilled } from './block-edits.ts';
import { contractFields, listItemFields } from './contract-fields.ts';

const DIR = path.resolve(import.meta.dirname, '..', '..', 'templates', 'monthly-statement');
const read = (file: string) => fs.readFileSync(path.join(DIR, file), 'utf8');
const files = {
  'manifest.json': read('manifest.json'),
  'print.yaml': read('print.yaml'),
  'locales/en-GB.json': read('locales/en-GB.json'),
  'locales/zh-CN.json': read('locales/zh-CN.json'),
};
const comments = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('#'));

describe('editing a print template on the page', () => {
  it('lists the body text blocks with their strings in every locale', () => {
    const blocks = textBlocksOf(files);
    const intro = blocks.find((b) => b.keys.includes('intro'));
    expect(intro?.path).toBe('body[3]');
    expect(intro?.strings.intro?.['en-GB']).toMatch(/^Here is your statement/);
    expect(intro?.strings.intro?.['zh-CN']).toBeTruthy();
    expect(intro?.missing).toEqual([]);
  });

  it('shows a missing translation on the block', () => {
    const zh = JSON.parse(files['locales/zh-CN.json']) as Record<string, string>;
    delete zh.intro;
    const blocks = textBlocksOf({ ...files, 'locales/zh-CN.json': JSON.stringify(zh) });
    expect(blocks.find((b) => b.path === 'body[3]')?.missing).toEqual(['zh-CN']);
    // The canvas still draws it: the missing string is taken from another locale, for drawing only.
    const drawn = withMissingFilled({ ...files, 'locales/zh-CN.json': JSON.stringify(zh) });
    expect(JSON.parse(drawn['locales/zh-CN.json'] ?? '{}').intro).toMatch(/^Here is your statement/);
    expect(drawn['locales/en-GB.json']).toBe(files['locales/en-GB.json']);
  });

  it('adds a paragraph after a block: one new line in print.yaml, comments and layout kept, a new id in every locale', () => {
    const {
      changes,
      path: at,
      key,
    } = addParagraph(files, 3, { 'en-GB': 'New fees from 1 January.', 'zh-CN': '自1月1日起收取新费用。' });
    expect(key).toBe('custom.paragraph1');
    expect(at).toBe('body[4]');
    const yaml = changes['print.yaml'] ?? '';
    const before = files['print.yaml'].split('\n');
    const after = yaml.split('\n');
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((l) => !before.includes(l))).toEqual([
      `  - { type: text, text: "{{t 'custom.paragraph1'}}", spaceAfter: 3mm }`,
    ]);
    expect(comments(yaml)).toEqual(comments(files['print.yaml']));
    const body = (YAML.parse(yaml) as { body: { type: string; text?: string }[] }).body;
    expect(body[4]).toEqual({ type: 'text', text: "{{t 'custom.paragraph1'}}", spaceAfter: '3mm' });
    expect(body[5]?.type).toBe('table');
    expect(JSON.parse(changes['locales/en-GB.json'] ?? '{}')['custom.paragraph1']).toBe(
      'New fees from 1 January.',
    );
    expect(JSON.parse(changes['locales/zh-CN.json'] ?? '{}')['custom.paragraph1']).toBe(
      '自1月1日起收取新费用。',
    );
    // The next paragraph gets the next id.
    expect(newStringId({ ...files, ...changes })).toBe('custom.paragraph2');
  });

  it('adds after a block written over several lines (block style) as well', () => {
    const { changes } = addParagraph(files, 4, { 'en-GB': 'After the table', 'zh-CN': '表格之后' });
    const body = (YAML.parse(changes['print.yaml'] ?? '') as { body: { type: string; text?: string }[] })
      .body;
    expect(body[4]?.type).toBe('table');
    expect(body[5]?.text).toBe("{{t 'custom.paragraph1'}}");
    expect(comments(changes['print.yaml'] ?? '')).toEqual(comments(files['print.yaml']));
  });

  it('sets a string in every locale, other strings untouched', () => {
    const changes = setStrings(files, 'greeting', {
      'en-GB': 'Hello {{customer.name}},',
      'zh-CN': '您好，{{customer.name}}：',
    });
    const en = JSON.parse(changes['locales/en-GB.json'] ?? '{}') as Record<string, string>;
    const old = JSON.parse(files['locales/en-GB.json']) as Record<string, string>;
    expect(en.greeting).toBe('Hello {{customer.name}},');
    expect(Object.keys(en)).toEqual(Object.keys(old));
    expect({ ...en, greeting: old.greeting }).toEqual(old);
  });

  it('refuses a missing locale, an unknown locale and a bad position, naming the field', () => {
    const fail = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(MissiveError);
        return (err as MissiveError).message;
      }
      throw new Error('expected a refusal');
    };
    expect(fail(() => addParagraph(files, 3, { 'en-GB': 'Only English' }))).toMatch(/^text\.zh-CN: is empty/);
    expect(fail(() => setStrings(files, 'greeting', { 'en-GB': 'a', 'zh-CN': 'b', fr: 'c' }))).toMatch(
      /^text\.fr: not a locale/,
    );
    expect(fail(() => addParagraph(files, 99, { 'en-GB': 'a', 'zh-CN': 'b' }))).toMatch(
      /^after: not a body block/,
    );
  });

  it("lists the data contract's fields to insert", () => {
    const fields = contractFields(files).map((f) => f.path);
    expect(fields).toContain('customer.name');
    expect(fields).toContain('customer.address.city');
    expect(fields).toContain('closingBalance');
    expect(fields).not.toContain('transactions');
    expect(listItemFields(files, 'transactions').map((f) => `${f.path}:${f.type}`)).toEqual([
      'date:string',
      'description:string',
      'amount:number',
      'balance:number',
      'paidIn:number',
      'paidOut:number',
    ]);
    expect(listItemFields(files, 'customer.name')).toEqual([]);
    const manifest = JSON.parse(files['manifest.json']) as {
      dataSchema: { properties: { closingBalance: Record<string, string> } };
    };
    manifest.dataSchema.properties.closingBalance.description = 'Balance on the last day';
    const withText = contractFields({ 'manifest.json': JSON.stringify(manifest) });
    expect(withText.find((f) => f.path === 'closingBalance')?.description).toBe('Balance on the last day');
  });
});
