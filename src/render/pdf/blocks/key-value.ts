import { conditionHolds, type KeyValueBlock, resolveStyle } from '../../../templates/index.ts';
import { type DrawContext, ensureRoom, evaluate } from '../context.ts';
import { decoration } from '../tagging.ts';
import { drawText, measureText } from '../text.ts';

const ROW_GAP = 2;

/** A summary box: label on the left, value on the right, all rows kept together on one page. */
export function drawKeyValue(ctx: DrawContext, block: KeyValueBlock, path: string): void {
  const pad = block.padding;
  const inner = ctx.frame.width - 2 * pad;
  const labelWidth = Math.min(block.labelWidth ?? inner / 2, inner);
  const valueWidth = inner - labelWidth;
  const base = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  const shown = block.rows.filter((row) => conditionHolds({ ...ctx.data, ...ctx.scope }, row.when));
  if (shown.length === 0) return;
  const rows = shown.map((row) => {
    const style = resolveStyle(ctx.layout.styles, row.style, base);
    const labelStyle = resolveStyle(ctx.layout.styles, block.labelStyle, style);
    const label = evaluate(ctx, row.label);
    const value = evaluate(ctx, row.value);
    const height = Math.max(
      measureText(ctx, label, labelStyle, labelWidth),
      measureText(ctx, value, style, valueWidth),
    );
    return { row, style, labelStyle, label, value, height };
  });
  const total = 2 * pad + rows.reduce((sum, r) => sum + r.height, 0) + ROW_GAP * (rows.length - 1);
  ensureRoom(ctx, total, path);
  const { left, width } = ctx.frame;
  if (block.fill || block.border) {
    const top = ctx.y;
    decoration(ctx.tags, () => {
      ctx.doc.save().rect(left, top, width, total).lineWidth(0.6);
      if (block.fill && block.border) ctx.doc.fillAndStroke(block.fill, block.border);
      else if (block.fill) ctx.doc.fill(block.fill);
      else if (block.border) ctx.doc.stroke(block.border);
      ctx.doc.restore();
    });
  }
  let y = ctx.y + pad;
  const drawRows = () => {
    for (const r of rows) {
      const at = y;
      const label = () =>
        drawText(
          ctx,
          r.label,
          r.labelStyle,
          { x: left + pad, y: at, width: labelWidth },
          r.row.label.location,
        );
      const box = { x: left + pad + labelWidth, y: at, width: valueWidth, align: block.valueAlign };
      const value = () => drawText(ctx, r.value, r.style, box, r.row.value.location);
      const tags = ctx.tags;
      if (tags) {
        // A summary box reads as a table of row headers and values.
        tags.element('TR', {}, () => {
          tags.element('TH', { scope: 'Row' }, label);
          tags.element('TD', {}, value);
        });
      } else {
        label();
        value();
      }
      y += r.height + ROW_GAP;
    }
  };
  if (ctx.tags) ctx.tags.element('Table', {}, drawRows);
  else drawRows();
  ctx.y += total;
}
