import { type ResolvedStyle, resolveStyle, type TextBlock } from '../../../templates/index.ts';
import { type DrawContext, ensureRoomKeeping, evaluate } from '../context.ts';
import { drawText, measureText } from '../text.ts';

function drawParagraph(ctx: DrawContext, block: TextBlock, text: string, style: ResolvedStyle, path: string) {
  const height = measureText(ctx, text, style, ctx.frame.width);
  if (height === 0) return;
  ensureRoomKeeping(ctx, height, block.keepWithNext ?? 0, path);
  const box = { x: ctx.frame.left, y: ctx.y, width: ctx.frame.width, align: block.align };
  drawText(ctx, text, style, box, block.text.location);
  ctx.y += height;
}

/**
 * A paragraph across the frame; an empty result draws nothing (so `{{#if}}` can hide it). Tagged, it
 * is its `role`: P (default), H1–H6, Artifact, or L — a list whose items are the text's lines, each
 * drawn (and kept whole) under the previous one, tagged L > LI > LBody.
 */
export function drawTextBlock(ctx: DrawContext, block: TextBlock, path: string): void {
  const style = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  const text = evaluate(ctx, block.text);
  const tags = ctx.tags;
  const role = block.role ?? 'P';
  if (role === 'L') {
    const items = text.split('\n').filter((line) => line.trim() !== '');
    if (items.length === 0) return;
    const draw = () => {
      for (const item of items) {
        if (tags)
          tags.element('LI', {}, () =>
            tags.element('LBody', {}, () => drawParagraph(ctx, block, item, style, path)),
          );
        else drawParagraph(ctx, block, item, style, path);
      }
    };
    if (tags) tags.element('L', {}, draw);
    else draw();
    return;
  }
  if (!tags || text === '') {
    drawParagraph(ctx, block, text, style, path);
    return;
  }
  if (role === 'Artifact') tags.artifact(() => drawParagraph(ctx, block, text, style, path));
  else tags.element(role, {}, () => drawParagraph(ctx, block, text, style, path));
}
