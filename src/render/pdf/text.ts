import type { TextLocation } from '../../templates/handlebars/template-text.ts';
import type { ResolvedStyle } from '../../templates/print-layout/style.ts';
import type { Align } from '../../templates/print-layout/units.ts';
import type { DrawContext } from './context.ts';
import { type FontFace, getFont, splitRuns } from './fonts.ts';

/** pdfkit breaks pages by itself unless a text has a height; Missive breaks pages itself, so always give one. */
const NO_AUTO_PAGE_BREAK = 1e6;

function useStyle(ctx: DrawContext, style: ResolvedStyle): void {
  ctx.doc.font(style.font).fontSize(style.size).fillColor(style.color);
}

/** The height `text` takes when wrapped to `width` in `style`. */
export function measureText(ctx: DrawContext, text: string, style: ResolvedStyle, width: number): number {
  if (text === '') return 0;
  useStyle(ctx, style);
  return ctx.doc.heightOfString(text, { width, lineGap: style.lineGap });
}

/** The width of one unwrapped line. */
export function textWidth(ctx: DrawContext, text: string, style: ResolvedStyle): number {
  useStyle(ctx, style);
  return ctx.doc.widthOfString(text);
}

export interface TextBox {
  x: number;
  y: number;
  width: number;
  align?: Align | undefined;
}

const chains = new WeakMap<ResolvedStyle, readonly FontFace[]>();

/** The style's font and its fallbacks, looked up once per resolved style object. */
function chainOf(style: ResolvedStyle): readonly FontFace[] {
  let chain = chains.get(style);
  if (!chain) {
    chain = [style.font, ...style.fallback].map((name) => getFont(name));
    chains.set(style, chain);
  }
  return chain;
}

/**
 * Draws wrapped text at a box's top-left. Every character must have a glyph in a font of the
 * style's chain (MSV_RENDER_GLYPH_MISSING names it and `where` the text came from); text needing
 * several fonts is drawn as continued runs, one per font. The height of such mixed text is measured
 * in the main font (its .notdef advance stands in for the fallback glyphs), close for symbols.
 */
export function drawText(
  ctx: DrawContext,
  text: string,
  style: ResolvedStyle,
  box: TextBox,
  where: TextLocation,
): void {
  if (text === '') return;
  const runs = splitRuns(chainOf(style), text, where);
  useStyle(ctx, style);
  const options = {
    width: box.width,
    align: box.align ?? 'left',
    lineGap: style.lineGap,
    height: NO_AUTO_PAGE_BREAK,
  };
  const only = runs[0];
  if (runs.length === 1 && only) {
    ctx.doc.font(only.face.name).text(only.text, box.x, box.y, options);
    return;
  }
  runs.forEach((run, i) => {
    const continued = i < runs.length - 1;
    ctx.doc.font(run.face.name);
    if (i === 0) ctx.doc.text(run.text, box.x, box.y, { ...options, continued });
    else ctx.doc.text(run.text, { continued });
  });
}
