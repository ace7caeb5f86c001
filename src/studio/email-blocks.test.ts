import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTemplateAsync } from '../templates/heavy.ts';
import { templatePackageFromFiles } from '../templates/index.ts';
import {
  addEmailBlock,
  addEmailSection,
  moveEmailBlock,
  removeEmailBlock,
  setButton,
  setDivider,
  setImage,
  trackableUrl,
} from './email-block-edits.ts';
import { emailBlocksOf } from './email-blocks.ts';
import { parseMjmlSource } from './mjml-source.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', 'templates');
function packageFiles(name: string): Record<string, string> {
  const dir = path.join(ROOT, name);
  const out: Record<string, string> = {};
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (fs.statSync(path.join(dir, file)).isFile()) out[file] = fs.readFileSync(path.join(dir, file), 'utf8');
  }
  return out;
}
const files = packageFiles('cross-sell-promotion');
const source = files['email.mjml'] ?? '';
const EN_ZH = { 'en-GB': 'Open your account today', 'zh-CN': '今天就开户' };

/** The lines of `after` that are not in `before` and the reverse (a multiset line diff). */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const left = [...a];
  const added = b.filter((l) => {
    const i = left.indexOf(l);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
  return { added, removed: left };
}

describe('email.mjml as source', () => {
  it('finds every element with its exact ranges, content of ending tags kept whole', () => {
    const root = parseMjmlSource(source);
    const body = root.children.find((c) => c.tag === 'mj-body')!;
    expect(body.children.map((c) => c.tag)).toEqual([
      'mj-section',
      'mj-raw',
      'mj-section',
      'mj-raw',
      'mj-section',
      'mj-section',
    ]);
    const heading = body.children[4]!.children[0]!.children[0]!;
    expect(source.slice(heading.start, heading.end)).toMatch(/^<mj-text font-size="22px".*<\/mj-text>$/);
    expect(source.slice(heading.innerStart, heading.innerEnd)).toBe("{{t 'email.heading'}}");
    const color = heading.attrs.find((a) => a.name === 'color')!;
    expect(source.slice(color.valueStart, color.valueEnd)).toBe('{{@brand.colors.primary}}');
  });

  it('names the line of a tag that does not close', () => {
    expect(() => parseMjmlSource('<mjml>\n<mj-body>\n<mj-section>\n</mj-body></mjml>')).toThrow(/line 4/);
  });
});

describe('the e-mail designer’s blocks', () => {
  it('lists sections, columns and content with paths and the strings of every locale', () => {
    const { locales, blocks } = emailBlocksOf(files);
    expect(locales).toEqual(['en-GB', 'zh-CN']);
    const heading = blocks.find((b) => b.keys.includes('email.heading'))!;
    expect(heading).toMatchObject({ path: '4.0.0', kind: 'text', depth: 2 });
    expect(heading.strings['email.heading']?.['zh-CN']).toBeTruthy();
    expect(blocks.find((b) => b.path === '4')?.kind).toBe('section');
    expect(blocks.find((b) => b.path === '1')?.kind).toBe('condition');
    expect(blocks.find((b) => b.path === '4.0.4')?.kind).toBe('button');
  });

  it('adds a button after a block: one new line, its label in every locale, a trackable link', () => {
    const { changes, block } = addEmailBlock(files, '4.0.2', 'button', {
      texts: EN_ZH,
      url: 'https://bank.example/open?src=email&x=1',
    });
    expect(block).toBe('4.0.3');
    const diff = changedLines(source, changes['email.mjml']!);
    expect(diff.removed).toEqual([]);
    expect(diff.added).toHaveLength(1);
    expect(diff.added[0]).toMatch(/^ {8}<mj-button href="https:\/\/bank.example\/open\?src=email&amp;x=1"/);
    expect(diff.added[0]).not.toContain('notrack');
    const key = /\{\{t '([^']+)'\}\}/.exec(diff.added[0] ?? '')?.[1] ?? '';
    expect(JSON.parse(changes['locales/zh-CN.json']!)[key]).toBe('今天就开户');
    expect(emailBlocksOf({ ...files, ...changes }).blocks.find((b) => b.path === '4.0.3')?.kind).toBe(
      'button',
    );
    expect(() => addEmailBlock(files, '4.0.2', 'button', { texts: EN_ZH, url: '{{offer.url}}' })).toThrow(
      /absolute http/,
    );
    expect(() => trackableUrl('javascript:alert(1)')).toThrow();
  });

  it('edits a button’s label and link in place, and a divider’s thickness and colour', () => {
    const added = addEmailBlock(files, '4.0.2', 'divider', {}).changes;
    const withDivider = { ...files, ...added };
    const divider = setDivider(withDivider, '4.0.3', { width: '3', color: 'primary' });
    const diff = changedLines(withDivider['email.mjml']!, divider.changes['email.mjml']!);
    expect(diff.added).toEqual([
      '        <mj-divider border-width="3px" border-color="{{@brand.colors.primary}}" />',
    ]);
    const withButton = {
      ...files,
      ...addEmailBlock(files, '4.0.2', 'button', { texts: EN_ZH, url: 'https://a.example/' }).changes,
    };
    const edited = setButton(withButton, '4.0.3', {
      url: 'https://b.example/x',
      texts: { 'en-GB': 'Go', 'zh-CN': '去' },
    });
    const d = changedLines(withButton['email.mjml']!, edited.changes['email.mjml']!);
    expect(d.added).toHaveLength(1);
    expect(d.added[0]).toContain('href="https://b.example/x"');
    expect(JSON.parse(edited.changes['locales/en-GB.json']!)['email.custom.button1']).toBe('Go');
  });

  it('keeps a button’s data-driven link when only its label changes', () => {
    const statement = packageFiles('monthly-statement');
    const button = emailBlocksOf(statement).blocks.find((b) => b.kind === 'button')!;
    expect(button.attrs.href).toBe('{{portalUrl}}');
    const edit = setButton(statement, button.path, { url: '{{portalUrl}}', texts: EN_ZH });
    expect(edit.changes['email.mjml']).toBe(statement['email.mjml']);
    expect(JSON.parse(edit.changes['locales/en-GB.json']!)[button.keys[0]!]).toBe(EN_ZH['en-GB']);
  });

  it('removes a block’s whole lines and moves blocks by swapping their source', () => {
    const removed = removeEmailBlock(files, '4.0.1').changes['email.mjml']!;
    expect(changedLines(source, removed)).toEqual({
      added: [],
      removed: ["        <mj-text>{{t 'greeting'}}</mj-text>"],
    });
    const moved = moveEmailBlock(files, '4.0.1', 'down');
    expect(moved.block).toBe('4.0.2');
    const texts = emailBlocksOf({ ...files, ...moved.changes }).blocks.filter((b) =>
      b.path.startsWith('4.0.'),
    );
    expect(texts.slice(0, 3).map((b) => b.keys[0])).toEqual(['email.heading', 'email.body', 'greeting']);
    expect(moved.changes['email.mjml']!.length).toBe(source.length);
    expect(() => moveEmailBlock(files, '0', 'up')).toThrow(/first/);
    expect(() => removeEmailBlock(files, '1')).toThrow(/code view/);
  });

  it('adds a two-column section and sets a library picture with alt text in every locale', async () => {
    const section = addEmailSection(files, '4', [EN_ZH, { 'en-GB': 'Right', 'zh-CN': '右' }]);
    expect(section.block).toBe('5');
    const after = { ...files, ...section.changes };
    const cols = emailBlocksOf(after).blocks.filter((b) => b.path.startsWith('5.') && b.kind === 'column');
    expect(cols).toHaveLength(2);
    const pixel =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    const image = setImage(after, '0.0.0', { picture: { name: 'hero.png', base64: pixel }, alt: EN_ZH });
    const edited = { ...after, ...image.changes };
    expect(edited['images/hero.png.b64']).toBe(pixel);
    const block = emailBlocksOf(edited).blocks.find((b) => b.path === '0.0.0')!;
    expect(block.picture).toBe('hero.png');
    expect(block.attrs.alt).toBe("{{t 'email.custom.alt1'}}");
    // The edited package still compiles (MJML and Handlebars).
    await compileTemplateAsync(templatePackageFromFiles('cross-sell-promotion', edited));
  });
});
