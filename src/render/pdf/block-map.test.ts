import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testBrand } from '../../../test/support/test-brand.ts';
import { compileTemplate } from '../../templates/compile.ts';
import type { DocumentData } from '../../templates/index.ts';
import { loadTemplatePackage } from '../../templates/package-loader.ts';
import { renderPrint } from '../print.ts';
import { type BlockBox, boxesBetween } from './block-map.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const STATEMENT = path.join(ROOT, 'templates', 'monthly-statement');

describe('the block map of a print render', () => {
  it('gives the same bytes with and without the map, and a box for the body blocks on each page', async () => {
    const template = compileTemplate(await loadTemplatePackage(STATEMENT));
    const data = JSON.parse(
      fs.readFileSync(path.join(STATEMENT, 'sample-data.json'), 'utf8'),
    ) as DocumentData;
    for (const locale of ['en-GB', 'zh-CN']) {
      const options = { asOf: '2026-11-30', locale, brand: testBrand() };
      const plain = await renderPrint(template, data, options);
      const blockMap: BlockBox[] = [];
      const mapped = await renderPrint(template, data, { ...options, blockMap });
      expect(mapped.sha256).toBe(plain.sha256);
      expect(blockMap.length).toBeGreaterThan(5);
      const body = template.print?.body.length ?? 0;
      for (const box of blockMap) {
        if (!box.path.startsWith('body[')) continue;
        expect(box.path).toMatch(/^body\[\d+\]$/);
        expect(Number(box.path.slice(5, -1))).toBeLessThan(body);
        expect(box.page).toBeGreaterThanOrEqual(1);
        expect(box.page).toBeLessThanOrEqual(plain.pages ?? 0);
        expect(box.width).toBeGreaterThan(0);
        expect(box.height).toBeGreaterThan(0);
        expect(box.x + box.width).toBeLessThanOrEqual(595.28);
        expect(box.y + box.height).toBeLessThanOrEqual(841.89);
      }
      // The greeting (a one-line text) is a single box on page 1, above the intro.
      const greeting = blockMap.filter((b) => b.path === 'body[2]');
      expect(greeting).toHaveLength(1);
      // The chart moves to page 2 whole: one box there, none at the foot of page 1 where nothing is.
      expect(blockMap.filter((b) => b.path === 'body[5]').map((b) => b.page)).toEqual([2]);
      // Fixed places: the address in its envelope window (20 mm, 45 mm, 90 × 32 mm), the summary at 110 mm.
      const mm = 72 / 25.4;
      expect(blockMap.find((b) => b.path === 'body[0]')).toMatchObject({
        page: 1,
        x: 56.69,
        y: 127.56,
        width: 255.12,
        height: 90.71,
      });
      const summary = blockMap.find((b) => b.path === 'body[1]');
      expect(summary?.x).toBeCloseTo(110 * mm, 1);
      expect(summary?.y).toBeCloseTo(45 * mm, 1);
      // Header and footer bands on every page.
      expect(blockMap.filter((b) => !b.path.startsWith('body[')).map((b) => `${b.page}:${b.path}`)).toEqual([
        '1:header.first',
        '1:footer',
        '2:header.following',
        '2:footer',
      ]);
    }
  });

  it('splits a block that flows over a page break into one box per page', () => {
    const frame = { left: 50, width: 495, top: 100, bottom: 780 };
    const boxes = boxesBetween(
      'body[4]',
      { pageIndex: 0, y: 500, ...frame },
      { pageIndex: 2, y: 300, ...frame },
    );
    expect(boxes).toEqual([
      { path: 'body[4]', page: 1, x: 50, y: 500, width: 495, height: 280 },
      { path: 'body[4]', page: 2, x: 50, y: 100, width: 495, height: 680 },
      { path: 'body[4]', page: 3, x: 50, y: 100, width: 495, height: 200 },
    ]);
  });
});
