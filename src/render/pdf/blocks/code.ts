import { type BarcodeBlock, type QrBlock, resolveStyle } from '../../../templates/index.ts';
import { encodeBars, encodeMatrix } from '../barcode.ts';
import { type DrawContext, ensureRoom, evaluate } from '../context.ts';
import { figure } from '../figure.ts';
import { paragraph } from '../tagging.ts';
import { drawText, measureText } from '../text.ts';

/** Modules of white around a QR code (the standard asks for 4) and a DataMatrix (1). */
const QUIET = { qrcode: 4, datamatrix: 1 } as const;
/** Modules of white either side of a linear code. */
const BAR_QUIET = 10;

function placeX(ctx: DrawContext, align: 'left' | 'center' | 'right', width: number): number {
  const { left, width: frame } = ctx.frame;
  if (align === 'center') return left + (frame - width) / 2;
  if (align === 'right') return left + frame - width;
  return left;
}

/** Dark modules as one filled path of squares: small, crisp at any resolution, deterministic. */
export function drawQr(ctx: DrawContext, block: QrBlock, path: string): void {
  const value = evaluate(ctx, block.value);
  const m = encodeMatrix(block.symbology, value, block.errorCorrection, `${path}.value`);
  const style = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  const caption = block.caption ? evaluate(ctx, block.caption) : '';
  const captionHeight = caption ? measureText(ctx, caption, style, block.size) : 0;
  ensureRoom(ctx, block.size + captionHeight, path);
  const quiet = QUIET[block.symbology];
  const unit = block.size / (Math.max(m.columns, m.rows) + 2 * quiet);
  const x0 = placeX(ctx, block.align, block.size) + quiet * unit;
  const y0 = ctx.y + quiet * unit;
  figure(ctx, block.alt, () => {
    const doc = ctx.doc.save();
    for (let r = 0; r < m.rows; r += 1) {
      for (let c = 0; c < m.columns; c += 1) {
        if (m.dark[r * m.columns + c]) doc.rect(x0 + c * unit, y0 + r * unit, unit, unit);
      }
    }
    doc.fillColor(block.color).fill().restore();
  });
  ctx.y += block.size;
  if (caption) {
    const box = {
      x: placeX(ctx, block.align, block.size),
      y: ctx.y,
      width: block.size,
      align: 'center' as const,
    };
    paragraph(ctx.tags, () => drawText(ctx, caption, style, box, block.caption!.location));
    ctx.y += captionHeight;
  }
}

export function drawBarcode(ctx: DrawContext, block: BarcodeBlock, path: string): void {
  const value = evaluate(ctx, block.value);
  const bars = encodeBars(block.symbology, value, `${path}.value`);
  const style = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  const textHeight = block.showText ? measureText(ctx, value, style, block.width) : 0;
  ensureRoom(ctx, block.height + textHeight, path);
  const unit = block.width / (bars.modules + 2 * BAR_QUIET);
  const left = placeX(ctx, block.align, block.width);
  let x = left + BAR_QUIET * unit;
  // The printed value belongs to the figure: the alt text already says what the code holds.
  figure(ctx, block.alt, () => {
    const doc = ctx.doc.save();
    bars.widths.forEach((w, i) => {
      if (i % 2 === 0) doc.rect(x, ctx.y, w * unit, block.height);
      x += w * unit;
    });
    doc.fillColor(block.color).fill().restore();
    if (block.showText) {
      const box = { x: left, y: ctx.y + block.height, width: block.width, align: 'center' as const };
      drawText(ctx, value, style, box, block.value.location);
    }
  });
  ctx.y += block.height + (block.showText ? textHeight : 0);
}
