import {
  type CompiledBrand,
  DEFAULT_STYLE,
  type DocumentData,
  PAGE_SIZES,
  type PrintLayout,
  type Region,
  resolveStyle,
  type TemplateRuntime,
} from '../../templates/index.ts';
import { type BlockBox, BlockMapper, type FlowMark } from './block-map.ts';
import { drawBlock } from './blocks/index.ts';
import type { DrawContext, Frame } from './context.ts';
import type { StructElement } from './struct-element.ts';
import type { Tagger } from './tagging.ts';

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
 * A band of a tagged document: the first page's header is read first (its element was placed at the
 * head of the tree before the body), the following pages' headers and every footer are pagination
 * artifacts.
 */
function drawTaggedBand(
  ctx: DrawContext,
  region: Region | undefined,
  frame: Frame,
  path: string,
  into: StructElement | undefined,
): void {
  if (!region) return;
  const tags = ctx.tags;
  if (!tags) {
    drawBand(ctx, region, frame, path);
    return;
  }
  if (into) tags.within(into, () => drawBand(ctx, region, frame, path));
  else tags.artifact(() => drawBand(ctx, region, frame, path), 'Pagination');
}

/** Boxes each page's header and footer bands on the block map (`header.first`, `header.following`, `footer`). */
function mapBands(mapper: BlockMapper, layout: PrintLayout, count: number): void {
  const [width, height] = PAGE_SIZES[layout.page.size];
  const m = layout.page.margins;
  const inner = width - m.left - m.right;
  for (let i = 0; i < count; i++) {
    const header = headerFor(layout, i);
    const path = i === 0 || !layout.header?.following ? 'header.first' : 'header.following';
    if (header) mapper.band(path, i + 1, { left: m.left, top: m.top, width: inner, height: header.height });
    const footer = layout.footer?.height ?? 0;
    if (footer > 0)
      mapper.band('footer', i + 1, {
        left: m.left,
        top: height - m.bottom - footer,
        width: inner,
        height: footer,
      });
  }
}

/**
 * Draws a whole document: the body flows page after page, then, with the page count known, each
 * buffered page gets its header (first or following) and the footer, whose templates see
 * `page.number` and `page.count`. Returns the page count. With `blockMap`, each body block's boxes are
 * pushed onto it (the studio's canvas); the bytes drawn are the same either way.
 */
export function drawLayout(
  doc: PDFKit.PDFDocument,
  layout: PrintLayout,
  data: DocumentData,
  runtime: TemplateRuntime,
  brand?: CompiledBrand,
  tags?: Tagger,
  blockMap?: BlockBox[],
): number {
  const [width, height] = PAGE_SIZES[layout.page.size];
  let pageIndex = -1;
  // The first page's header leads the reading order, although it is drawn last.
  const firstHeader = tags && layout.header?.first ? tags.create('Div') : undefined;
  const ctx: DrawContext = {
    doc,
    layout,
    runtime,
    data,
    brand,
    page: { width, height },
    base: resolveStyle(layout.styles, 'base', DEFAULT_STYLE),
    scope: {},
    tags,
    frame: bodyFrame(layout, 0),
    y: 0,
    breakPage: () => {
      mapper?.beforeBreak(ctx.y);
      doc.addPage({ size: [width, height], margin: 0 });
      pageIndex += 1;
      ctx.frame = bodyFrame(layout, pageIndex);
      ctx.y = ctx.frame.top;
      mapper?.afterBreak();
    },
  };
  const mark = (): FlowMark => ({ pageIndex, y: ctx.y, ...ctx.frame });
  const mapper = blockMap ? new BlockMapper(blockMap, mark) : undefined;
  ctx.breakPage?.();
  for (const [i, block] of layout.body.entries()) {
    mapper?.begin('spaceBefore' in block ? (block.spaceBefore ?? 0) : 0);
    const placed = drawBlock(ctx, block, `body[${i}]`);
    mapper?.end(`body[${i}]`, placed, block.type === 'address' ? block.window : undefined);
  }

  const count = doc.bufferedPageRange().count;
  const m = layout.page.margins;
  const footerHeight = layout.footer?.height ?? 0;
  for (let i = 0; i < count; i++) {
    doc.switchToPage(i);
    const band = { ...ctx, scope: { page: { number: i + 1, count } } };
    const header = headerFor(layout, i);
    const headerPath = i === 0 || !layout.header?.following ? 'header.first' : 'header.following';
    drawTaggedBand(
      band,
      header,
      { left: m.left, width: width - m.left - m.right, top: m.top, bottom: m.top + (header?.height ?? 0) },
      headerPath,
      i === 0 ? firstHeader : undefined,
    );
    const footerTop = height - m.bottom - footerHeight;
    drawTaggedBand(
      band,
      layout.footer,
      { left: m.left, width: width - m.left - m.right, top: footerTop, bottom: footerTop + footerHeight },
      'footer',
      undefined,
    );
  }
  firstHeader?.end();
  if (mapper) mapBands(mapper, layout, count);
  return count;
}
