import { MissiveError } from '../../../core/errors.ts';
import { type ChartBlock, type ResolvedStyle, resolveStyle } from '../../../templates/index.ts';
import { type DrawContext, ensureRoomKeeping, evaluate } from '../context.ts';
import { figure } from '../figure.ts';
import { paragraph } from '../tagging.ts';
import { drawText, measureText, textWidth } from '../text.ts';
import { dataList } from './table-rows.ts';

/** A "nice" tick step (1, 2, 2.5 or 5 × 10^n) so that `ticks` steps cover `max`. */
export function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((f) => f * power >= raw) ?? 10;
  return step * power;
}

function valuesOf(rows: readonly unknown[], field: string, path: string): number[] {
  return rows.map((row, i) => {
    const v = typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[field] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    throw new MissiveError(
      'MSV_RENDER_FAILED',
      `print.yaml ${path}.value: item ${i + 1} has no number "${field}"`,
      { file: 'print.yaml', field: `${path}.value`, variable: field },
    );
  });
}

interface Plot {
  x: number;
  y: number;
  width: number;
  height: number;
  min: number;
  max: number;
}

const yOf = (p: Plot, v: number): number => p.y + p.height - ((v - p.min) / (p.max - p.min)) * p.height;

function drawAxis(
  ctx: DrawContext,
  block: ChartBlock,
  p: Plot,
  step: number,
  style: ResolvedStyle,
  gutter: number,
): void {
  for (let v = p.min; v <= p.max + step / 2; v += step) {
    const y = yOf(p, v);
    ctx.doc
      .save()
      .moveTo(p.x, y)
      .lineTo(p.x + p.width, y)
      .lineWidth(0.4)
      .strokeColor(block.gridColor)
      .stroke()
      .restore();
    const label = evaluate(ctx, block.axisLabel, { value: v });
    const h = measureText(ctx, label, style, gutter);
    drawText(
      ctx,
      label,
      style,
      { x: p.x - gutter - 3, y: y - h / 2, width: gutter, align: 'right' },
      block.axisLabel.location,
    );
  }
}

/** Bars or a polyline with dots, gridlines at nice steps, tick labels left, item labels below. */
export function drawChart(ctx: DrawContext, block: ChartBlock, path: string): void {
  const rows = dataList(ctx, block, path);
  const values = valuesOf(rows, block.value, path);
  const labelStyle = resolveStyle(ctx.layout.styles, block.labelStyle ?? block.style, ctx.base);
  const titleStyle = resolveStyle(ctx.layout.styles, block.titleStyle ?? block.style, ctx.base);
  const title = block.title ? evaluate(ctx, block.title) : '';
  const titleHeight = title ? measureText(ctx, title, titleStyle, ctx.frame.width) + 4 : 0;
  ensureRoomKeeping(ctx, titleHeight + block.height, block.keepWithNext ?? 0, path);
  if (title) {
    const box = { x: ctx.frame.left, y: ctx.y, width: ctx.frame.width };
    paragraph(ctx.tags, () => drawText(ctx, title, titleStyle, box, block.title!.location));
  }

  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const step = niceStep(max - min || 1, block.ticks);
  const top = Math.ceil(max / step) * step || step;
  const bottom = Math.floor(min / step) * step;
  const labels = rows.map((row, i) => evaluate(ctx, block.label, { row, index: i + 1 }));
  const tickLabels: string[] = [];
  for (let v = bottom; v <= top + step / 2; v += step)
    tickLabels.push(evaluate(ctx, block.axisLabel, { value: v }));
  const gutter = Math.max(...tickLabels.map((t) => textWidth(ctx, t, labelStyle))) + 2;
  const labelHeight = measureText(ctx, 'Ag', labelStyle, ctx.frame.width) + 3;
  const plot: Plot = {
    x: ctx.frame.left + gutter + 4,
    y: ctx.y + titleHeight + labelHeight / 2,
    width: ctx.frame.width - gutter - 4,
    height: block.height - labelHeight * 1.5,
    min: bottom,
    max: top,
  };
  const alt = ctx.tags ? chartAlt(ctx, block, labels, values) : undefined;
  figure(ctx, alt, () => drawPlot(ctx, block, plot, { step, labelStyle, gutter, values, labels }));
  ctx.y += titleHeight + block.height;
}

/**
 * A chart's alternative text: the template's words, then every item's label (as drawn) and value.
 * The values are evaluated with one context object whose `value` changes: `evaluate` would copy the
 * whole document data into a new object for each of them (issue 22 performance).
 */
function chartAlt(
  ctx: DrawContext,
  block: ChartBlock,
  labels: readonly string[],
  values: readonly number[],
): string {
  const intro = block.alt ? evaluate(ctx, block.alt) : '';
  const context: Record<string, unknown> = { ...ctx.data, ...ctx.scope, value: 0 };
  const items = labels.map((label, i) => {
    context.value = values[i];
    return `${label} ${block.axisLabel.render(context, ctx.runtime)}`;
  });
  // Chinese text takes full-width punctuation.
  const [colon, semicolon] = /^zh\b/i.test(ctx.tags?.lang ?? '') ? ['：', '；'] : [': ', '; '];
  return `${intro}${intro && items.length > 0 ? colon : ''}${items.join(semicolon)}`;
}

function drawPlot(
  ctx: DrawContext,
  block: ChartBlock,
  plot: Plot,
  parts: {
    step: number;
    labelStyle: ResolvedStyle;
    gutter: number;
    values: readonly number[];
    labels: readonly string[];
  },
): void {
  const { step, labelStyle, gutter, values, labels } = parts;
  drawAxis(ctx, block, plot, step, labelStyle, gutter);
  const slot = plot.width / Math.max(1, values.length);
  const base = yOf(plot, 0);
  const doc = ctx.doc;
  if (block.kind === 'bar') {
    doc.save();
    values.forEach((v, i) => {
      const y = yOf(plot, v);
      doc.rect(plot.x + i * slot + slot * 0.18, Math.min(y, base), slot * 0.64, Math.abs(base - y));
    });
    doc.fillColor(block.color).fill().restore();
  } else {
    doc.save();
    values.forEach((v, i) => {
      const x = plot.x + (i + 0.5) * slot;
      if (i === 0) doc.moveTo(x, yOf(plot, v));
      else doc.lineTo(x, yOf(plot, v));
    });
    doc.lineWidth(1.5).strokeColor(block.color).stroke();
    values.forEach((v, i) => {
      doc.circle(plot.x + (i + 0.5) * slot, yOf(plot, v), 1.8);
    });
    doc.fillColor(block.color).fill().restore();
  }
  doc
    .save()
    .moveTo(plot.x, base)
    .lineTo(plot.x + plot.width, base)
    .lineWidth(0.8)
    .strokeColor('#52606d')
    .stroke()
    .restore();
  labels.forEach((label, i) => {
    const box = { x: plot.x + i * slot, y: plot.y + plot.height + 3, width: slot, align: 'center' as const };
    drawText(ctx, label, labelStyle, box, block.label.location);
  });
}
