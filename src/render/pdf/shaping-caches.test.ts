import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { statementDataFor } from '../../../test/support/statement-feeds.ts';
import { testBrand } from '../../../test/support/test-brand.ts';
import { synthesizeIdentity } from '../../customers/synthetic-identity.ts';
import { compileTemplate } from '../../templates/compile.ts';
import { loadTemplatePackage } from '../../templates/package-loader.ts';
import { renderPrint } from '../print.ts';
import { setDeflateCacheEnabled } from './deflate-cache.ts';
import { setDirectWritesEnabled } from './document.ts';
import { setGlyphDecodeCacheEnabled } from './glyph-decode-cache.ts';
import { setGlyphMetricsCacheEnabled } from './glyph-metrics-cache.ts';
import { setLayoutCacheEnabled } from './layout-cache.ts';
import { setPngSplitCacheEnabled } from './png-alpha-cache.ts';
import { setSubsetCacheEnabled } from './subset-cache.ts';

/**
 * The process-wide caches of the print renderer (word layouts, encoded font subsets, glyph metrics, the
 * logo's colour/alpha split, deflated streams, what subsets read of glyphs) and the direct writes of collectBytes may only change
 * the speed: statements in both locales, rendered with warm caches in two orders, must give the bytes
 * of the same statements rendered with the caches off.
 */
const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('print shaping caches', () => {
  it('never change the bytes of a statement', async () => {
    const template = compileTemplate(
      await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
    );
    const docs = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const customer = synthesizeIdentity(String(i + 1));
        return {
          locale: customer.locale,
          data: await statementDataFor(
            { ...customer, traits: { balance: i * 911, job: 'admin.' } },
            '2026-10-31',
          ),
        };
      }),
    );
    const render = async (order: number[]) => {
      const out: string[] = [];
      for (const i of order) {
        const { data, locale } = docs[i]!;
        out[i] = (
          await renderPrint(template, data, { asOf: '2026-10-31', locale, brand: testBrand() })
        ).sha256;
      }
      return out;
    };
    const forward = docs.map((_, i) => i);
    await render(forward); // fills the caches
    const warm = await render(forward);
    const warmReversed = await render([...forward].reverse());
    setDeflateCacheEnabled(false);
    setDirectWritesEnabled(false);
    setGlyphDecodeCacheEnabled(false);
    setLayoutCacheEnabled(false);
    setSubsetCacheEnabled(false);
    setGlyphMetricsCacheEnabled(false);
    setPngSplitCacheEnabled(false);
    try {
      const cold = await render(forward);
      expect(new Set(docs.map((d) => d.locale))).toEqual(new Set(['en-GB', 'zh-CN']));
      expect(warm).toEqual(cold);
      expect(warmReversed).toEqual(cold);
    } finally {
      setDeflateCacheEnabled(true);
      setDirectWritesEnabled(true);
      setGlyphDecodeCacheEnabled(true);
      setLayoutCacheEnabled(true);
      setSubsetCacheEnabled(true);
      setGlyphMetricsCacheEnabled(true);
      setPngSplitCacheEnabled(true);
    }
  }, 60_000);
});
