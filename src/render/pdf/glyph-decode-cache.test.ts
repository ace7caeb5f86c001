import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getFont, resetGlyphCaches } from './fonts.ts';
import { setGlyphDecodeCacheEnabled } from './glyph-decode-cache.ts';
import { setSubsetCacheEnabled } from './subset-cache.ts';

interface Subset {
  includeGlyph(gid: number): number;
  encode(): Uint8Array;
}

/**
 * A font subset is the same bytes whether the glyphs it embeds were decoded by this subset or read
 * from what an earlier one kept: simple and composite glyphs (DejaVu's accented letters are
 * composites whose components the subset renumbers), Chinese glyphs, in any order.
 */
function subsetOf(name: string, text: string): string {
  resetGlyphCaches(); // fresh glyph objects, as at the start of each document
  const font = getFont(name).font;
  const subset = (font as unknown as { createSubset(): Subset }).createSubset();
  for (const ch of text) subset.includeGlyph(font.glyphForCodePoint(ch.codePointAt(0) ?? 0).id);
  return createHash('sha256').update(subset.encode()).digest('hex');
}

const TEXTS: readonly [string, string][] = [
  ['symbols', 'éÀñçǅǾĳŀ ✓✗☎'],
  ['symbols', 'ŀĳ Ǿ ç A é'],
  ['regular', '王小明 北京市朝阳区 éñ 0123'],
  ['regular', '北京 明小王 £€'],
  ['bold', '账户对账单 Statement'],
];

describe('glyph decode cache', () => {
  it('never changes a subset’s bytes, first or later, in any order', () => {
    setSubsetCacheEnabled(false); // encode every subset, so that this cache is what is tested
    try {
      setGlyphDecodeCacheEnabled(false);
      const cold = TEXTS.map(([name, text]) => subsetOf(name, text));
      setGlyphDecodeCacheEnabled(true);
      const first = TEXTS.map(([name, text]) => subsetOf(name, text));
      const again = TEXTS.map(([name, text]) => subsetOf(name, text));
      const reversed = [...TEXTS].reverse().map(([name, text]) => subsetOf(name, text));
      expect(first).toEqual(cold);
      expect(again).toEqual(cold);
      expect(reversed.reverse()).toEqual(cold);
    } finally {
      setGlyphDecodeCacheEnabled(true);
      setSubsetCacheEnabled(true);
    }
  });

  it('leaves other decoding alone: a glyph’s outline is still decoded in full', () => {
    subsetOf('symbols', 'é');
    const font = getFont('symbols').font;
    // fontkit's Glyph has `path` (absent from src/render/pdf/fontkit.d.ts, which types what pdfkit uses).
    const glyph = font.glyphForCodePoint('é'.codePointAt(0) ?? 0) as unknown as {
      path: { commands: unknown[] };
    };
    expect(glyph.path.commands.length).toBeGreaterThan(10);
  });
});
