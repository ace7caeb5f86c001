/**
 * Glyph metrics shared across documents. Each document starts with fresh glyph objects (see
 * resetGlyphCaches in fonts.ts), and fontkit computes a glyph's metrics lazily — for a TrueType font
 * without vertical metrics that means decoding the glyph's outline for its bounding box. pdfkit asks
 * for the advance width of every glyph it embeds, so each document decoded the same outlines again
 * (a tenth of a Chinese statement's render). Metrics depend only on the font and the glyph id, so
 * they are kept per font and handed to the next glyph object with that id.
 */
import type * as fontkit from 'fontkit';
import { InvariantError } from '../../core/invariant.ts';

interface Metrics {
  advanceWidth: number;
  advanceHeight: number;
  leftBearing: number;
  topBearing: number;
}

interface GlyphWithMetrics {
  id: number;
  _font: object;
  _metrics?: Metrics;
  _getMetrics(cbox?: unknown): Metrics;
}

const perFont = new WeakMap<object, Map<number, Metrics>>();
const patched = new WeakSet<object>();

let enabled = true;
/** Tests switch the cache off to prove it never changes the bytes. */
export function setGlyphMetricsCacheEnabled(on: boolean): void {
  enabled = on;
}

/** Makes glyphs of `font` reuse the metrics an earlier glyph object with the same id computed. */
export function cacheGlyphMetrics(font: fontkit.Font): void {
  const sample = (font as unknown as { getGlyph(id: number): GlyphWithMetrics | null }).getGlyph(0);
  if (!sample) return;
  perFont.set(font, new Map());
  let owner: object | null = Object.getPrototypeOf(sample) as object | null;
  while (owner && !Object.hasOwn(owner, '_getMetrics')) owner = Object.getPrototypeOf(owner) as object | null;
  // A fontkit upgrade that renamed its internals: a bug to fix here, not something a user can cause.
  if (!owner)
    throw new InvariantError('fontkit changed: glyphs have no _getMetrics (see glyph-metrics-cache.ts)');
  if (patched.has(owner)) return;
  patched.add(owner);
  const proto = owner as GlyphWithMetrics;
  const original = proto._getMetrics;
  proto._getMetrics = function (this: GlyphWithMetrics, cbox?: unknown): Metrics {
    if (this._metrics) return this._metrics;
    const known = enabled ? perFont.get(this._font) : undefined;
    const cached = known?.get(this.id);
    if (cached) {
      this._metrics = cached;
      return cached;
    }
    const metrics = original.call(this, cbox);
    known?.set(this.id, metrics);
    return metrics;
  };
}
