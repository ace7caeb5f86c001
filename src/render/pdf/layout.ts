import type { CompiledBrand } from '../../templates/brand/compile-brand.ts';
import type { TemplateRuntime } from '../../templates/handlebars/runtime.ts';
import { PAGE_SIZES, type PrintLayout, type Region } from '../../templates/print-layout/schema.ts';
import { DEFAULT_STYLE, resolveStyle } from '../../templates/print-layout/style.ts';
import type { DocumentData } from '../../templates/types.ts';
import { drawBlock } from './blocks/index.ts';
import type { DrawContext, Frame } from './context.ts';

function headerFor(layout: PrintLayout, pageIndex: number): Region | undefined {
  return pageIndex === 0 ? layout.header?.first : (layout.header?.following ?? layout.header?.first);
}

/** The body of page `pageIndex` (0-based): between its header band and the footer band. */
function bodyFrame(layout: PrintLayout, pageIndex: number): Frame {
  const [width, height] = PAGE_SIZES[layout.page.size];
  const m = layout.page.margins;
  return {
    left: m.left,
    width: width - m.left - m.right,
    top: m.top + (headerFor(layout, pageIndex)?.height ?? 0),
    bottom: height - m.bottom - (layout.footer?.height ?? 0),
  };
}

function drawBand(ctx: DrawContext, region: Region | undefined, frame: Frame, path: string): void {
  if (!region) return;
  const band: DrawContext = { ...ctx, frame, y: frame.top, breakPage: undefined };
  for (const [i, block] of region.blocks.entries()) drawBlock(band, block, `${path}.blocks[${i}]`);
}

/**
 * Draws a whole document: the body flows page after page, then, with the page count known, each
 * buffered page gets its header (first or following) and the footer, whose templates see
 * `page.number` and `page.count`. Returns the page count.
 */
export function drawLayout(
  doc: PDFKit.PDFDocument,
  layout: PrintLayout,
  data: DocumentData,
  runtime: TemplateRuntime,
  brand?: CompiledBrand,
): number {
  const [width, height] = PAGE_SIZES[layout.page.size];
  let pageIndex = -1;
  const ctx: DrawContext = {
    doc,
    layout,
    runtime,
    data,
    brand,
    page: { width, height },
    base: resolveStyle(layout.styles, 'base', DEFAULT_STYLE),
    scope: {},
    frame: bodyFrame(layout, 0),
    y: 0,
    breakPage: () => {
      doc.addPage({ size: [width, height], margin: 0 });
      pageIndex += 1;
      ctx.frame = bodyFrame(layout, pageIndex);
      ctx.y = ctx.frame.top;
    },
  };
  ctx.breakPage?.();
  for (const [i, block] of layout.body.entries()) drawBlock(ctx, block, `body[${i}]`);

  const count = doc.bufferedPageRange().count;
  const m = layout.page.margins;
  const footerHeight = layout.footer?.height ?? 0;
  for (let i = 0; i < count; i++) {
    doc.switchToPage(i);
    const band = { ...ctx, scope: { page: { number: i + 1, count } } };
    const header = headerFor(layout, i);
    const headerPath = i === 0 || !layout.header?.following ? 'header.first' : 'header.following';
    drawBand(
      band,
      header,
      { left: m.left, width: width - m.left - m.right, top: m.top, bottom: m.top + (header?.height ?? 0) },
      headerPath,
    );
    const footerTop = height - m.bottom - footerHeight;
    drawBand(
      band,
      layout.footer,
      { left: m.left, width: width - m.left - m.right, top: footerTop, bottom: footerTop + footerHeight },
      'footer',
    );
  }
  return count;
}
