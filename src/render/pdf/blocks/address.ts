import { type AddressBlock, resolveStyle } from '../../../templates/index.ts';
import { type DrawContext, ensureRoom, evaluate, fixedContext } from '../context.ts';
import { decoration, paragraph } from '../tagging.ts';
import { drawText, measureText } from '../text.ts';

/** Address lines: every entry may yield several lines; blank lines go, so missing parts leave no gaps. */
function addressLines(ctx: DrawContext, block: AddressBlock): string {
  return block.lines
    .flatMap((line) => evaluate(ctx, line).split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * Draws inside the envelope window, whatever the flow is doing; anything that would not fit the
 * window is an error (it would be hidden by the envelope). The flow continues below the window.
 */
export function drawAddress(ctx: DrawContext, block: AddressBlock, path: string): void {
  const { left, top, width, height } = block.window;
  const box = fixedContext(ctx, { left, width, top, bottom: top + height });
  const style = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  if (block.returnAddress) {
    const small = resolveStyle(ctx.layout.styles, block.returnStyle ?? [], {
      ...style,
      size: style.size * 0.7,
    });
    const text = evaluate(ctx, block.returnAddress);
    const h = measureText(ctx, text, small, width);
    ensureRoom(box, h + 2, `${path}.returnAddress`);
    const where = block.returnAddress.location;
    const y = box.y;
    paragraph(ctx.tags, () => drawText(ctx, text, small, { x: left, y, width }, where));
    box.y += h;
    decoration(ctx.tags, () => {
      ctx.doc
        .save()
        .moveTo(left, box.y)
        .lineTo(left + width, box.y)
        .lineWidth(0.3)
        .strokeColor(small.color)
        .stroke();
      ctx.doc.restore();
    });
    box.y += 4;
  }
  const lines = addressLines(ctx, block);
  const h = measureText(ctx, lines, style, width);
  ensureRoom(box, h, `${path}.lines`);
  const where = block.lines[0]?.location ?? { file: 'print.yaml', path: `${path}.lines` };
  const y = box.y;
  paragraph(ctx.tags, () =>
    drawText(ctx, lines, style, { x: left, y, width }, { ...where, path: `${path}.lines` }),
  );
  ctx.y = Math.max(ctx.y, top + height + (block.spaceAfter ?? 0));
}
