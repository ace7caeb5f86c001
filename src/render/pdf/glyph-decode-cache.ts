/**
 * What a font subset needs of each glyph, shared across documents. When pdfkit embeds a document's
 * TrueType subset, fontkit's `TTFSubset._addGlyph(gid)` calls `glyph._decode()`, which decodes the
 * whole outline (every point of a Chinese character) only to learn whether the glyph is a composite
 * and, if so, its components; the glyph's bytes are then copied from the font as they are. Glyph
 * objects are new in every document (see resetGlyphCaches in fonts.ts), so each document decoded
 * every glyph of its subset again: ~5 % of a Chinese statement's render, and much of its garbage.
 *
 * Here `_addGlyph` marks the one `_decode` call it makes, and that call is answered, from the second
 * time a glyph id is embedded, with what `_addGlyph` reads of it (numberOfContours, and a composite's
 * components: glyph id and position), kept per font and glyph id. Any other `_decode` call (a glyph's
 * path, say) decodes as before. Not used for variable fonts, whose subsets re-encode the outline.
 * The subset's bytes are the same with or without it (shaping-caches.test.ts, render-corpus).
 */
import type * as fontkit from 'fontkit';

interface Component {
  glyphID: number;
  pos: number;
}

interface Glyf {
  numberOfContours: number;
  components?: Component[];
}

interface DecodingGlyph {
  id: number;
  _font: object;
  _decode(): Glyf | null;
}

interface AddingSubset {
  font: object;
  _addGlyph(gid: number): number;
}

interface SubsettingFont {
  _variationProcessor?: unknown;
  createSubset(): object;
  getGlyph(id: number): object | null;
}

const perFont = new WeakMap<object, Map<number, Glyf | null>>();
const patched = new WeakSet<object>();
/** The glyph whose next `_decode` call comes from `_addGlyph`. */
let adding: { font: object; id: number } | undefined;

let enabled = true;
/** Tests switch the cache off to prove it never changes the bytes. */
export function setGlyphDecodeCacheEnabled(on: boolean): void {
  enabled = on;
}

function ownerOf(object: object | null, method: string): object | undefined {
  let owner = object;
  while (owner && !Object.hasOwn(owner, method)) owner = Object.getPrototypeOf(owner) as object | null;
  return owner ?? undefined;
}

function light(glyf: Glyf | null): Glyf | null {
  if (!glyf) return null;
  if (glyf.numberOfContours >= 0) return { numberOfContours: glyf.numberOfContours };
  return {
    numberOfContours: glyf.numberOfContours,
    components: (glyf.components ?? []).map((c) => ({ glyphID: c.glyphID, pos: c.pos })),
  };
}

/**
 * Makes the TrueType subsets of `font` reuse what an earlier subset read of a glyph. A font whose
 * fontkit classes do not look as expected (CFF outlines, another fontkit) is left as it is.
 */
export function cacheGlyphDecoding(target: fontkit.Font): void {
  const font = target as unknown as SubsettingFont;
  if (font._variationProcessor) return;
  const subsetProto = ownerOf(Object.getPrototypeOf(font.createSubset()) as object | null, '_addGlyph');
  const glyphProto = ownerOf(Object.getPrototypeOf(font.getGlyph(0)) as object | null, '_decode');
  if (!subsetProto || !glyphProto) return;
  perFont.set(font, new Map());
  if (!patched.has(subsetProto)) {
    patched.add(subsetProto);
    const proto = subsetProto as AddingSubset;
    const addGlyph = proto._addGlyph;
    proto._addGlyph = function (this: AddingSubset, gid: number): number {
      if (!enabled || !perFont.has(this.font)) return addGlyph.call(this, gid);
      // Composite glyphs add their components from inside: restore the outer mark afterwards.
      const outer = adding;
      adding = { font: this.font, id: gid };
      try {
        return addGlyph.call(this, gid);
      } finally {
        adding = outer;
      }
    };
  }
  if (!patched.has(glyphProto)) {
    patched.add(glyphProto);
    const proto = glyphProto as DecodingGlyph;
    const decode = proto._decode;
    proto._decode = function (this: DecodingGlyph): Glyf | null {
      const mark = adding;
      if (!mark || mark.font !== this._font || mark.id !== this.id) return decode.call(this);
      adding = undefined; // only the first call made by _addGlyph
      const known = perFont.get(this._font);
      if (!known) return decode.call(this);
      const hit = known.get(this.id);
      if (hit !== undefined) return hit;
      const glyf = decode.call(this);
      known.set(this.id, light(glyf));
      return glyf;
    };
  }
}
