import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { blockPropsOf, setBlockProps } from './block-props.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PRINT = fs.readFileSync(path.join(ROOT, 'templates', 'monthly-statement', 'print.yaml'), 'utf8');
const files = { 'print.yaml': PRINT };
const block = (yaml: string, i: number) => (YAML.parse(yaml) as { body: Record<string, unknown>[] }).body[i];
/** Lines of `b` that `a` does not have (as a multiset). */
const changed = (a: string, b: string) => {
  const left = new Map<string, number>();
  for (const line of a.split('\n')) left.set(line, (left.get(line) ?? 0) + 1);
  return b.split('\n').filter((line) => {
    const n = left.get(line) ?? 0;
    left.set(line, n - 1);
    return n <= 0;
  }).length;
};

describe("a body block's spacing and condition in print.yaml", () => {
  it('reads them in millimetres', () => {
    expect(blockPropsOf(files, 2)).toEqual({
      type: 'text',
      count: 12,
      spaceBefore: undefined,
      spaceAfter: 2,
      when: undefined,
    });
    expect(blockPropsOf(files, 9)).toMatchObject({ type: 'text', when: 'offers', spaceAfter: 2 });
  });

  it('sets 10 mm after the greeting (a flow map) and a condition, changing that one line', () => {
    const yaml =
      setBlockProps(files, 2, { spaceBefore: '', spaceAfter: '10', when: "customer.segment == 'gold'" })[
        'print.yaml'
      ] ?? '';
    expect(block(yaml, 2)).toEqual({
      type: 'text',
      text: "{{t 'greeting'}}",
      spaceAfter: '10mm',
      when: "customer.segment == 'gold'",
    });
    expect(yaml).toContain(
      `- { type: text, text: "{{t 'greeting'}}", spaceAfter: 10mm, when: "customer.segment == 'gold'" }`,
    );
    expect(changed(PRINT, yaml)).toBe(1);
    // And removing both gives the block without them.
    const bare =
      setBlockProps({ 'print.yaml': yaml }, 2, { spaceBefore: '', spaceAfter: '', when: '' })['print.yaml'] ??
      '';
    expect(bare).toContain(`- { type: text, text: "{{t 'greeting'}}" }`);
  });

  it('adds and removes keys of a block map (the chart) on their own lines', () => {
    const yaml =
      setBlockProps(files, 5, { spaceBefore: '4.5', spaceAfter: '5', when: '!offers' })['print.yaml'] ?? '';
    expect(block(yaml, 5)).toMatchObject({
      type: 'chart',
      spaceBefore: '4.5mm',
      spaceAfter: '5mm',
      when: '!offers',
    });
    expect(changed(PRINT, yaml)).toBeLessThanOrEqual(3);
    const back = setBlockProps({ 'print.yaml': yaml }, 5, { spaceBefore: '', spaceAfter: '5', when: '' })[
      'print.yaml'
    ];
    expect(back).toBe(PRINT);
    // A multi-line flow map (the offers heading): its condition replaced in place.
    const heading =
      setBlockProps(files, 9, { spaceBefore: '', spaceAfter: '2', when: 'offers.0' })['print.yaml'] ?? '';
    expect(block(heading, 9)).toMatchObject({ when: 'offers.0', spaceAfter: '2mm', role: 'H2' });
  });

  it('refuses spacing out of range and what is not a condition', () => {
    expect(() => setBlockProps(files, 2, { spaceBefore: '51', spaceAfter: '', when: '' })).toThrow(
      /spaceBefore/,
    );
    expect(() => setBlockProps(files, 2, { spaceBefore: '-1', spaceAfter: '', when: '' })).toThrow(
      /spaceBefore/,
    );
    expect(() => setBlockProps(files, 2, { spaceBefore: '', spaceAfter: 'ten', when: '' })).toThrow(
      /spaceAfter/,
    );
    expect(() => setBlockProps(files, 2, { spaceBefore: '', spaceAfter: '', when: 'a = b' })).toThrow(/when/);
    expect(() => setBlockProps(files, 99, { spaceBefore: '', spaceAfter: '', when: '' })).toThrow(/block/);
  });
});
