import type { TextBlock } from '../../../templates/print-layout/blocks/index.ts';
import { resolveStyle } from '../../../templates/print-layout/style.ts';
import { type DrawContext, ensureRoom, evaluate } from '../context.ts';
import { drawText, measureText } from '../text.ts';

/** A paragraph across the frame; an empty result draws nothing (so `{{#if}}` can hide it). */
export function drawTextBlock(ctx: DrawContext, block: TextBlock, path: string): void {
  const style = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  const text = evaluate(ctx, block.text);
  const height = measureText(ctx, text, style, ctx.frame.width);
  if (height === 0) return;
  ensureRoom(ctx, height, path);
  const box = { x: ctx.frame.left, y: ctx.y, width: ctx.frame.width, align: block.align };
  drawText(ctx, text, style, box, block.text.location);
  ctx.y += height;
}
