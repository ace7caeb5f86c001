import { type ColumnsBlock, type LeafBlock, resolveWidths } from '../../../templates/index.ts';
import { type DrawContext, ensureRoom, fixedContext } from '../context.ts';

export type LeafDrawer = (ctx: DrawContext, block: LeafBlock, path: string) => void;

/**
 * Side-by-side columns starting at the same height; the flow continues below the tallest. Columns
 * cannot break across pages (a block that does not fit its column is an error naming its path);
 * `keepTogether` moves them to a new page first when less than that height is left.
 * The leaf drawer is passed in, so this file does not import the registry that imports it.
 */
export function columnsDrawer(drawLeaf: LeafDrawer) {
  return (ctx: DrawContext, block: ColumnsBlock, path: string): void => {
    if (block.keepTogether !== undefined) ensureRoom(ctx, block.keepTogether, path);
    const gaps = block.gap * (block.columns.length - 1);
    const widths = resolveWidths(
      block.columns.map((c) => c.width),
      ctx.frame.width - gaps,
    );
    let x = ctx.frame.left;
    let bottom = ctx.y;
    block.columns.forEach((column, i) => {
      const width = widths[i] ?? 0;
      const sub = fixedContext(ctx, { left: x, width, top: ctx.y, bottom: ctx.frame.bottom });
      for (const [j, child] of column.blocks.entries())
        drawLeaf(sub, child, `${path}.columns[${i}].blocks[${j}]`);
      bottom = Math.max(bottom, sub.y);
      x += width + block.gap;
    });
    ctx.y = bottom;
  };
}
