import type { PageBreakBlock, RuleBlock, SpacerBlock } from '../../../templates/index.ts';
import { type DrawContext, ensureRoom } from '../context.ts';
import { decoration } from '../tagging.ts';

export function drawSpacer(ctx: DrawContext, block: SpacerBlock): void {
  if (ctx.y + block.height > ctx.frame.bottom && ctx.breakPage) return; // no space needed at a page end
  ctx.y += block.height;
}

export function drawRule(ctx: DrawContext, block: RuleBlock, path: string): void {
  ensureRoom(ctx, block.thickness, path);
  const y = ctx.y + block.thickness / 2;
  decoration(ctx.tags, () =>
    ctx.doc
      .save()
      .moveTo(ctx.frame.left, y)
      .lineTo(ctx.frame.left + ctx.frame.width, y)
      .lineWidth(block.thickness)
      .strokeColor(block.color)
      .stroke()
      .restore(),
  );
  ctx.y += block.thickness;
}

export function drawPageBreak(ctx: DrawContext, _block: PageBreakBlock): void {
  ctx.breakPage?.();
}
