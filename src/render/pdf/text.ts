import type { TextLocation } from '../../templates/handlebars/template-text.ts';
import type { ResolvedStyle } from '../../templates/print-layout/style.ts';
import type { Align } from '../../templates/print-layout/units.ts';
import type { DrawContext } from './context.ts';
import { assertCovered, getFont } from './fonts.ts';

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

/**
 * Draws wrapped text at a box's top-left. Every character must have a glyph in the style's font
 * (MSV_RENDER_GLYPH_MISSING names it and `where` the text came from).
 */
export function drawText(
  ctx: DrawContext,
  text: string,
  style: ResolvedStyle,
  box: TextBox,
  where: TextLocation,
): void {
  if (text === '') return;
  assertCovered(getFont(style.font), text, where);
  useStyle(ctx, style);
  ctx.doc.text(text, box.x, box.y, {
    width: box.width,
    align: box.align ?? 'left',
    lineGap: style.lineGap,
    height: NO_AUTO_PAGE_BREAK,
  });
}
