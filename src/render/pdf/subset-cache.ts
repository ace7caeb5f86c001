/**
 * Font subsets shared across documents. pdfkit embeds, per document, a subset of each font holding
 * the glyphs the document used, in the order of first use, and fontkit encodes that subset anew for
 * every document (reading and re-encoding each glyph). Two documents whose subsets list the same
 * glyphs in the same order get the same bytes, so the encoded subset is cached under that list.
 *
 * For the lists to repeat, every document first takes the glyphs of a base alphabet (see
 * `preloadBaseGlyphs`), in a fixed order: then a Latin-script document rarely adds a glyph of its own,
 * and its subset is one already encoded. A document using other glyphs (Chinese names, say) gets its
 * own list, encoded as before. What the cache holds never changes the bytes, only the speed.
 */
import type * as fontkit from 'fontkit';

interface Subset {
  glyphs: number[];
  encode(): Uint8Array;
}

interface SubsettingFont {
  createSubset(): Subset;
}

const MAX_ENTRIES = 64;

let enabled = true;
/** Tests switch the cache off to prove it never changes the bytes. */
export function setSubsetCacheEnabled(on: boolean): void {
  enabled = on;
}

/** Makes `font.createSubset()` return subsets whose `encode()` is cached by glyph list. */
export function cacheSubsets(target: fontkit.Font): void {
  const font = target as unknown as SubsettingFont;
  const createSubset = font.createSubset.bind(font);
  const encoded = new Map<string, Uint8Array>();
  // A list seen once is usually one document's own (names, addresses): cache from the second time.
  const seenOnce = new Set<string>();
  font.createSubset = (): Subset => {
    const subset = createSubset();
    const encode = subset.encode.bind(subset);
    subset.encode = (): Uint8Array => {
      if (!enabled) return encode();
      const key = subset.glyphs.join(',');
      const hit = encoded.get(key);
      if (hit) return hit;
      const bytes = encode();
      if (seenOnce.has(key)) {
        if (encoded.size >= MAX_ENTRIES) encoded.clear();
        encoded.set(key, bytes);
      } else {
        if (seenOnce.size >= MAX_ENTRIES * 16) seenOnce.clear();
        seenOnce.add(key);
      }
      return bytes;
    };
    return subset;
  };
}

/**
 * Printable ASCII and the punctuation and currency signs statements use, as pdfkit lays text out:
 * word by word. Words cover the glyph variants fonts choose by context: digits alone (no script) and
 * digits inside a Latin word (postcodes, references: Noto Sans SC has Latin-script digit forms), and
 * the f-ligatures.
 */
const BASE_WORDS = [
  Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).join(''),
  '£€¥–—•·’‘“”…×',
  '0123456789',
  'A0123456789',
  'ff',
  'fi',
  'fl',
  'ffi',
  'ffl',
];

interface EmbeddingFont {
  encode(text: string, features?: unknown): unknown;
}

/**
 * Puts the base alphabet's glyphs into each of the document's fonts, in a fixed order, before
 * anything is drawn (see the top of this file). Only characters the font has; a font the document
 * never draws with is not embedded, whatever it holds.
 */
export function preloadBaseGlyphs(
  doc: PDFKit.PDFDocument,
  faces: readonly { name: string; hasGlyph(codePoint: number): boolean }[],
): void {
  for (const face of faces) {
    const text = BASE_WORDS.map((word) =>
      [...word].filter((ch) => face.hasGlyph(ch.codePointAt(0) ?? 0)).join(''),
    ).join(' ');
    doc.font(face.name);
    (doc as unknown as { _font: EmbeddingFont })._font.encode(text);
  }
}
