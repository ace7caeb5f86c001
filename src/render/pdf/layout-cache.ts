/**
 * A process-wide cache of fontkit `font.layout(word)` (text shaping: cmap, GSUB, GPOS), the main cost
 * of a print render. pdfkit already caches layouts per word, but per document (each document makes a
 * new embedded font), so dates, amounts and labels every statement shares were shaped again each time.
 *
 * Why a cached layout gives the same bytes: layout is a pure function of the string and of what
 * `font.getGlyph(id, codePoints)` returns, and its only side effect is that `getGlyph` creates glyphs
 * in `font._glyphs` — the per-document cache whose code points end up in ToUnicode (see
 * resetGlyphCaches in fonts.ts). So a miss records every getGlyph call (id, code points asked, code
 * points of the glyph returned), and a hit replays them in order against this document's `_glyphs`:
 * each call must return a glyph with the recorded code points (an existing glyph's, or the ones it
 * is created with). Then the real layout would have seen the same glyphs, created the same ones and
 * produced the same run. On any difference the real layout runs instead. The cache is bounded and
 * cleared when full; what it holds never affects the output, only the speed.
 */
import type * as fontkit from 'fontkit';

interface GetGlyphCall {
  readonly id: number;
  readonly asked: readonly number[];
  readonly seen: readonly number[];
}

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

interface Run {
  glyphs: (fontkit.Glyph | null)[];
  positions: Position[];
}

interface Entry {
  readonly calls: readonly GetGlyphCall[];
  /** The run's own fields (script, features…) and prototype (GlyphRun: advanceWidth is a getter). */
  readonly run: Run;
  readonly proto: object;
  readonly glyphIds: readonly number[];
  /** Copied before pdfkit scales the returned positions in place. */
  readonly positions: readonly Position[];
}

interface ShapingFont {
  _glyphs: Record<number, fontkit.Glyph | undefined>;
  getGlyph(id: number, codePoints?: number[]): fontkit.Glyph | null;
  layout(text: unknown, ...rest: unknown[]): Run;
}

const MAX_ENTRIES = 20_000;

let enabled = true;
/** Tests switch the cache off to prove it never changes the bytes. */
export function setLayoutCacheEnabled(on: boolean): void {
  enabled = on;
}

const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

type PositionClass = new (xAdvance: number, yAdvance: number, xOffset: number, yOffset: number) => Position;

function copyPosition(p: Position): Position {
  // fontkit's GlyphPosition(xAdvance, yAdvance, xOffset, yOffset): constructing keeps V8's fast
  // object shape, where Object.create + assign made dictionary objects (replay was 6 % of a render).
  const PositionOf = (p as unknown as { constructor: PositionClass }).constructor;
  return new PositionOf(p.xAdvance, p.yAdvance, p.xOffset, p.yOffset);
}

function replay(font: ShapingFont, entry: Entry): Run | undefined {
  const glyphs = font._glyphs;
  for (const call of entry.calls) {
    const glyph = glyphs[call.id];
    if (glyph) {
      // getGlyph returns an existing glyph untouched: nothing to replay, only to check.
      if (!same(glyph.codePoints, call.seen)) return undefined;
    } else {
      if (!same(call.asked, call.seen)) return undefined;
      font.getGlyph(call.id, [...call.asked]);
    }
  }
  const run: Run = Object.assign(Object.create(entry.proto) as Run, entry.run);
  run.glyphs = entry.glyphIds.map((id) => glyphs[id] ?? font.getGlyph(id));
  run.positions = entry.positions.map(copyPosition);
  return run;
}

function record(font: ShapingFont, layout: ShapingFont['layout'], text: string): { run: Run; entry?: Entry } {
  const calls: GetGlyphCall[] = [];
  const getGlyph = font.getGlyph;
  font.getGlyph = (id: number, codePoints: number[] = []) => {
    const asked = [...codePoints];
    const glyph = getGlyph.call(font, id, codePoints);
    calls.push({ id, asked, seen: glyph ? [...glyph.codePoints] : [] });
    return glyph;
  };
  let run: Run;
  try {
    run = layout.call(font, text);
  } finally {
    font.getGlyph = getGlyph;
  }
  if (run.glyphs.some((g) => !g) || calls.some((c) => !font._glyphs[c.id])) return { run };
  const glyphIds = run.glyphs.map((g) => g?.id ?? 0);
  const positions = run.positions.map(copyPosition);
  return {
    run,
    entry: { calls, run: { ...run }, proto: Object.getPrototypeOf(run) as object, glyphIds, positions },
  };
}

/** Makes `font.layout(text)` (no features: how pdfkit lays out words) use the cache above. */
export function cacheLayout(target: fontkit.Font): void {
  const font = target as unknown as ShapingFont;
  const layout = font.layout;
  const cache = new Map<string, Entry>();
  // Recording costs more than a plain layout, and many strings (a customer's own amounts and
  // names) are never seen again: record a string only the second time it is laid out.
  const seenOnce = new Set<string>();
  font.layout = (text: unknown, ...rest: unknown[]): Run => {
    if (!enabled || typeof text !== 'string' || rest.some((r) => r !== undefined))
      return layout.call(font, text, ...rest);
    const hit = cache.get(text);
    const run = hit && replay(font, hit);
    if (run) return run;
    if (!hit && !seenOnce.has(text)) {
      if (seenOnce.size >= MAX_ENTRIES) seenOnce.clear();
      seenOnce.add(text);
      return layout.call(font, text);
    }
    const fresh = record(font, layout, text);
    if (fresh.entry) {
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(text, fresh.entry);
    }
    return fresh.run;
  };
}
