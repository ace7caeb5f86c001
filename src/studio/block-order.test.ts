import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { dropIndex, moveBlock } from './block-order.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PRINT = fs.readFileSync(path.join(ROOT, 'templates', 'monthly-statement', 'print.yaml'), 'utf8');
const body = (yaml: string) => (YAML.parse(yaml) as { body: { type: string }[] }).body;

describe('moving a body block in print.yaml', () => {
  it('moves the chart above the transactions table with its comment, every other line unchanged', () => {
    const types = body(PRINT).map((b) => b.type);
    const table = types.indexOf('table');
    const chart = types.indexOf('chart');
    const { changes, path: moved } = moveBlock(
      { 'print.yaml': PRINT },
      chart,
      dropIndex(chart, table, 'before'),
    );
    const yaml = changes['print.yaml'] ?? '';
    expect(moved).toBe(`body[${table}]`);
    expect(body(yaml).map((b) => b.type)).toEqual([
      ...types.slice(0, table),
      'chart',
      'table',
      ...types.slice(chart + 1),
    ]);
    // The same lines, only in another order; the chart's comment right above it, a blank line above that.
    expect([...yaml.split('\n')].sort()).toEqual([...PRINT.split('\n')].sort());
    expect(yaml).toContain(
      "\n\n  # 12 months of spending, ticks in the account's currency.\n  - type: chart\n",
    );
    expect(yaml.indexOf('- type: chart')).toBeLessThan(yaml.indexOf('- type: table'));
    // And back: the file as it was.
    const back = moveBlock({ 'print.yaml': yaml }, table, chart);
    expect(back.changes['print.yaml']).toBe(PRINT);
  });

  it('moves the first block (under body:) and the last one', () => {
    const n = body(PRINT).length;
    const down = moveBlock({ 'print.yaml': PRINT }, 0, 1).changes['print.yaml'] ?? '';
    expect(
      body(down)
        .map((b) => b.type)
        .slice(0, 2),
    ).toEqual(['key-value', 'address']);
    expect(moveBlock({ 'print.yaml': down }, 1, 0).changes['print.yaml']).toBe(PRINT);
    const up = moveBlock({ 'print.yaml': PRINT }, n - 1, 0).changes['print.yaml'] ?? '';
    expect(body(up)[0]?.type).toBe('columns');
    expect(body(up)).toHaveLength(n);
  });

  it('gives where a dropped block lands', () => {
    expect(dropIndex(5, 2, 'before')).toBe(2);
    expect(dropIndex(2, 5, 'before')).toBe(4);
    expect(dropIndex(2, 5, 'after')).toBe(5);
    expect(dropIndex(5, 2, 'after')).toBe(3);
  });

  it('refuses what is not a body block, and a body written as one flow list', () => {
    expect(() => moveBlock({ 'print.yaml': PRINT }, 99, 0)).toThrow(/from: not a body block/);
    expect(() => moveBlock({ 'print.yaml': PRINT }, 0, -1)).toThrow(/to: not a body block/);
    const flow = 'page: { size: A4 }\nbody: [{ type: text, text: a }, { type: text, text: b }]\n';
    expect(() => moveBlock({ 'print.yaml': flow }, 0, 1)).toThrow(/code view/);
  });
});
