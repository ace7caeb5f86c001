import type { Align, ResolvedStyle, TextLocation } from '../../templates/index.ts';
import type { DrawContext } from './context.ts';
import { type FontFace, getFont, splitRuns } from './fonts.ts';

/** pdfkit breaks pages by itself unless a text has a height; Missive breaks pages itself, so always give one. */
const NO_AUTO_PAGE_BREAK = 1e6;

function useStyle(ctx: DrawContext, style: ResolvedStyle): void {
  ctx.doc.font(style.font).fontSize(style.size).fillColor(style.color);
}

/**
 * Most texts of a statement (table cells, labels, amounts) fit on one line. For those, pdfkit's
 * LineWrapper (word by word: measure, break, emit) is the main cost of a render, measured twice (to
 * size a row, then to draw it). `singleLineWidth` finds them with one width measurement; they are
 * measured as one line and drawn without the wrapper. A small slack keeps every text that the wrapper
 * could break on a hair's difference on the wrapper's path, so the layout is the same either way.
 */
const FIT_SLACK = 0.01;

function singleLineWidth(ctx: DrawContext, text: string, width: number): number | undefined {
  if (text.includes('\n') || text.includes('\u00ad')) return undefined;
  const w = ctx.doc.widthOfString(text);
  return w <= width - FIT_SLACK ? w : undefined;
}

/** The height of one line in the current font and size, as pdfkit's wrapper advances it. */
function lineHeight(ctx: DrawContext, style: ResolvedStyle): number {
  return ctx.doc.currentLineHeight(true) + style.lineGap;
}

/** The height `text` takes when wrapped to `width` in `style`. */
export function measureText(ctx: DrawContext, text: string, style: ResolvedStyle, width: number): number {
  if (text === '') return 0;
  useStyle(ctx, style);
  if (singleLineWidth(ctx, text, width) !== undefined) return lineHeight(ctx, style);
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
 * In a tagged document the text is content of the current structure element, and each run in
 * another language than the document's (Chinese in an en-GB letter) a Span with its Lang.
 */
export function drawText(
  ctx: DrawContext,
  text: string,
  style: ResolvedStyle,
  box: TextBox,
  where: TextLocation,
): void {
  if (text === '') return;
  const tags = ctx.tags;
  if (!tags) {
    drawUntagged(ctx, text, style, box, where);
    return;
  }
  const langRuns = tags.langRuns(text);
  if (langRuns.length === 1) {
    tags.text(langRuns, () => drawUntagged(ctx, text, style, box, where));
    return;
  }
  useStyle(ctx, style);
  const pieces = langRuns.map((run) => splitRuns(chainOf(style), run.text, where));
  const widths = pieces.map((runs) => runs.map((run) => ctx.doc.font(run.face.name).widthOfString(run.text)));
  const total = widths.flat().reduce((a, b) => a + b, 0);
  if (!text.includes('\n') && total <= box.width - FIT_SLACK) {
    // One line: each run placed after the previous one, aligned as a whole.
    const align = box.align ?? 'left';
    let x =
      align === 'right'
        ? box.x + box.width - total
        : align === 'center'
          ? box.x + (box.width - total) / 2
          : box.x;
    tags.text(langRuns, (_run, i) => {
      pieces[i]?.forEach((fontRun, j) => {
        ctx.doc
          .font(fontRun.face.name)
          .text(fontRun.text, x, box.y, { lineBreak: false, lineGap: style.lineGap });
        x += widths[i]?.[j] ?? 0;
      });
    });
    return;
  }
  // Several lines: continued text through the wrapper, one marked sequence per language.
  const options = {
    width: box.width,
    align: box.align ?? 'left',
    lineGap: style.lineGap,
    height: NO_AUTO_PAGE_BREAK,
  };
  let first = true;
  tags.text(langRuns, (_run, i) => {
    const runs = pieces[i] ?? [];
    runs.forEach((fontRun, j) => {
      const continued = i < langRuns.length - 1 || j < runs.length - 1;
      ctx.doc.font(fontRun.face.name);
      if (first) ctx.doc.text(fontRun.text, box.x, box.y, { ...options, continued });
      else ctx.doc.text(fontRun.text, { continued });
      first = false;
    });
  });
}

function drawUntagged(
  ctx: DrawContext,
  text: string,
  style: ResolvedStyle,
  box: TextBox,
  where: TextLocation,
): void {
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
    ctx.doc.font(only.face.name);
    const w = singleLineWidth(ctx, only.text, box.width);
    if (w !== undefined) {
      // Without `width` pdfkit draws the line as is (no wrapper); alignment is ours to place.
      const align = box.align ?? 'left';
      const x =
        align === 'right' ? box.x + box.width - w : align === 'center' ? box.x + (box.width - w) / 2 : box.x;
      ctx.doc.text(only.text, x, box.y, { lineBreak: false, lineGap: style.lineGap });
      return;
    }
    ctx.doc.text(only.text, box.x, box.y, options);
    return;
  }
  runs.forEach((run, i) => {
    const continued = i < runs.length - 1;
    ctx.doc.font(run.face.name);
    if (i === 0) ctx.doc.text(run.text, box.x, box.y, { ...options, continued });
    else ctx.doc.text(run.text, { continued });
  });
}
