import { MissiveError } from '../../../core/errors.ts';
import {
  type Align,
  type ResolvedStyle,
  resolveStyle,
  resolveWidths,
  type TableBlock,
  type TextLocation,
} from '../../../templates/index.ts';
import { type DrawContext, ensureRoom, evaluate, type Scope } from '../context.ts';
import { decoration } from '../tagging.ts';
import { drawText, measureText } from '../text.ts';
import { addToSums, tableRows } from './table-rows.ts';

/** One line of the table ready to draw: a text per cell box, measured. */
interface Line {
  cells: { text: string; x: number; width: number; align: Align | undefined; where: TextLocation }[];
  style: ResolvedStyle;
  height: number;
}

interface Table {
  ctx: DrawContext;
  block: TableBlock;
  path: string;
  xs: number[];
  widths: number[];
  styles: { row: ResolvedStyle; header: ResolvedStyle; carry: ResolvedStyle; total: ResolvedStyle };
  rule: string;
}

function measure(t: Table, cells: Line['cells'], style: ResolvedStyle): Line {
  const pad = t.block.cellPadding;
  const inner = Math.max(
    ...cells.map((c) => measureText(t.ctx, c.text, style, c.width - 2 * pad)),
    style.size,
  );
  return { cells, style, height: inner + 2 * pad };
}

function columnLine(t: Table, pick: 'header' | 'value', style: ResolvedStyle, scope?: Scope): Line {
  const cells = t.block.columns.map((column, i) => ({
    text: evaluate(t.ctx, column[pick], scope),
    x: t.xs[i] ?? 0,
    width: t.widths[i] ?? 0,
    align: column.align,
    where: column[pick].location,
  }));
  return measure(t, cells, style);
}

/** "Carried forward" / "Brought forward" / the total: the label spans the columns left of its column. */
function carryLine(t: Table, which: 'carried' | 'brought' | 'total', scope: Scope): Line {
  const carry =
    which === 'total'
      ? { total: t.block.total!.label, column: t.block.total!.column, value: t.block.total!.value }
      : t.block.carry!;
  const label = which === 'total' ? t.block.total!.label : t.block.carry![which];
  const at = t.block.columns.findIndex((c) => c.id === carry.column);
  const left = t.ctx.frame.left;
  const labelBox =
    at > 0
      ? { x: left, width: (t.xs[at] ?? 0) - left }
      : { x: (t.xs[0] ?? 0) + (t.widths[0] ?? 0), width: t.ctx.frame.width - (t.widths[0] ?? 0) };
  const cells = [
    {
      text: evaluate(t.ctx, label, scope),
      ...labelBox,
      align: undefined,
      where: label.location,
    },
    {
      text: evaluate(t.ctx, carry.value, scope),
      x: t.xs[at] ?? 0,
      width: t.widths[at] ?? 0,
      align: t.block.columns[at]?.align,
      where: carry.value.location,
    },
  ];
  return measure(t, cells, which === 'total' ? t.styles.total : t.styles.carry);
}

function hline(t: Table, y: number, width = 0.5): void {
  const { left, width: w } = t.ctx.frame;
  decoration(t.ctx.tags, () =>
    t.ctx.doc
      .save()
      .moveTo(left, y)
      .lineTo(left + w, y)
      .lineWidth(width)
      .strokeColor(t.rule)
      .stroke()
      .restore(),
  );
}

/**
 * What a line is in a tagged document: a row of header cells (TH, scope Column), a row of data cells
 * (TD), or pagination a reader skips (the header repeated on a following page, "Carried forward" and
 * "Brought forward"): the table stays one Table whose rows are each read once.
 */
type LineRole = 'TH' | 'TD' | 'Total' | 'Artifact';

function drawLine(t: Table, line: Line, fill: string | undefined, role: LineRole): void {
  const { ctx } = t;
  const pad = t.block.cellPadding;
  const y = ctx.y;
  if (fill) {
    decoration(ctx.tags, () =>
      ctx.doc.save().rect(ctx.frame.left, y, ctx.frame.width, line.height).fill(fill).restore(),
    );
  }
  const draw = (c: Line['cells'][number]) =>
    drawText(
      ctx,
      c.text,
      line.style,
      { x: c.x + pad, y: y + pad, width: c.width - 2 * pad, align: c.align },
      c.where,
    );
  const tags = ctx.tags;
  if (!tags) {
    for (const c of line.cells) draw(c);
  } else if (role === 'Artifact') {
    tags.artifact(() => {
      for (const c of line.cells) draw(c);
    }, 'Pagination');
  } else if (role === 'Total') {
    // The total: its label heads the row, the amount is its cell.
    tags.element('TR', {}, () => {
      line.cells.forEach((c, i) => {
        tags.element(i === 0 ? 'TH' : 'TD', i === 0 ? { scope: 'Row' } : {}, () => draw(c));
      });
    });
  } else {
    const scope = role === 'TH' ? ('Column' as const) : undefined;
    tags.element('TR', {}, () => {
      for (const c of line.cells) tags.element(role, { scope }, () => draw(c));
    });
  }
  ctx.y += line.height;
}

function drawHeader(t: Table, header: Line, role: LineRole): void {
  drawLine(t, header, t.block.headerFill, role);
  hline(t, t.ctx.y, 0.8);
}

function overflow(t: Table, what: string): MissiveError {
  const field = `${t.path}.rows`;
  return new MissiveError('MSV_RENDER_FAILED', `print.yaml ${field}: ${what} does not fit on a page`, {
    file: 'print.yaml',
    field,
  });
}

/**
 * Rows in order; before a row that would not leave room for the "carried forward" line, the page is
 * closed with that line and the next opens with the repeated header and "brought forward". The room
 * for the carry line is reserved with every row but the last, so it always fits.
 */
export function drawTable(ctx: DrawContext, block: TableBlock, path: string): void {
  tagged(ctx, 'Table', () => drawRows(ctx, block, path));
}

function drawRows(ctx: DrawContext, block: TableBlock, path: string): void {
  const row = resolveStyle(ctx.layout.styles, block.style, ctx.base);
  const styles = {
    row,
    header: resolveStyle(ctx.layout.styles, block.headerStyle, row),
    carry: resolveStyle(ctx.layout.styles, block.carryStyle, row),
    total: resolveStyle(ctx.layout.styles, block.totalStyle ?? block.carryStyle, row),
  };
  const widths = resolveWidths(
    block.columns.map((c) => c.width),
    ctx.frame.width,
  );
  const xs = widths.map((_, i) => ctx.frame.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const t: Table = { ctx, block, path, xs, widths, styles, rule: block.ruleColor ?? '#999999' };
  const rows = tableRows(ctx, block, path);
  const header = columnLine(t, 'header', styles.header);
  const lines = rows.map((item, i) => columnLine(t, 'value', styles.row, { row: item, index: i + 1 }));
  const firstSum: Record<string, number> = {};
  addToSums(firstSum, rows[0]);
  const carryHeight =
    block.carry && rows.length > 0 ? carryLine(t, 'carried', { row: rows[0], sum: firstSum }).height : 0;
  if (rows.length === 0) {
    const empty = block.empty ? evaluate(ctx, block.empty) : '';
    const line = measure(
      t,
      [
        {
          text: empty,
          x: ctx.frame.left,
          width: ctx.frame.width,
          align: undefined,
          where: block.empty?.location ?? { file: 'print.yaml', path },
        },
      ],
      row,
    );
    ensureRoom(ctx, header.height + line.height, path);
    tagged(ctx, 'THead', () => drawHeader(t, header, 'TH'));
    tagged(ctx, 'TBody', () => drawLine(t, line, undefined, 'TD'));
    return;
  }
  // The table starts with at least `minRows` rows (and the carry line after them) on its page.
  const first = Math.min(block.minRows, rows.length);
  const total = block.total ? totalLine(t, rows) : undefined;
  const firstRows = lines.slice(0, first).reduce((h, l) => h + l.height, 0);
  const after = rows.length > first ? carryHeight : (total?.height ?? 0);
  ensureRoomFor(ctx, header.height + firstRows + after, header.height + (lines[0]?.height ?? 0), path);
  tagged(ctx, 'THead', () => drawHeader(t, header, 'TH'));
  tagged(ctx, 'TBody', () => drawBody(t, rows, lines, header, carryHeight, total?.height ?? 0));
  if (total) tagged(ctx, 'TFoot', () => drawLine(t, total, undefined, 'Total'));
}

/** The total line, evaluated with the sums of every row and the last row. */
function totalLine(t: Table, rows: readonly unknown[]): Line {
  const sum: Record<string, number> = {};
  for (const r of rows) addToSums(sum, r);
  return carryLine(t, 'total', { row: rows.at(-1), sum });
}

/**
 * Room for `wanted` (the table's first rows) on this page, else a new page; on a fresh page only
 * `needed` (header and first row) must fit, as before `minRows` existed.
 */
function ensureRoomFor(ctx: DrawContext, wanted: number, needed: number, path: string): void {
  if (
    wanted > needed &&
    ctx.breakPage &&
    ctx.y + wanted > ctx.frame.bottom + 0.01 &&
    ctx.y > ctx.frame.top + 0.01
  ) {
    ctx.breakPage();
  }
  ensureRoom(ctx, needed, path);
}

/** Draws `draw` inside a new element of a tagged document, or just draws it. */
function tagged(ctx: DrawContext, role: string, draw: () => void): void {
  if (ctx.tags) ctx.tags.element(role, {}, draw);
  else draw();
}

function drawBody(
  t: Table,
  rows: readonly unknown[],
  lines: readonly Line[],
  header: Line,
  carryHeight: number,
  totalHeight: number,
): void {
  const { ctx, block } = t;
  const sum: Record<string, number> = {};
  lines.forEach((line, i) => {
    // Room for the carry line after every row but the last; after the last, for the total line.
    const reserve = i < lines.length - 1 ? carryHeight : totalHeight;
    if (ctx.y + line.height + reserve > ctx.frame.bottom + 0.01) {
      if (!ctx.breakPage) throw overflow(t, 'the table');
      const scope = { row: rows[i - 1], sum: { ...sum } };
      if (block.carry) {
        hline(t, ctx.y);
        drawLine(t, carryLine(t, 'carried', scope), undefined, 'Artifact');
      }
      ctx.breakPage();
      if (block.repeatHeader) drawHeader(t, header, 'Artifact');
      if (block.carry) drawLine(t, carryLine(t, 'brought', scope), block.zebraFill, 'Artifact');
      if (ctx.y + line.height + reserve > ctx.frame.bottom + 0.01) throw overflow(t, `row ${i + 1}`);
    }
    drawLine(t, line, i % 2 === 1 ? block.zebraFill : undefined, 'TD');
    addToSums(sum, rows[i]);
  });
  hline(t, ctx.y);
}
