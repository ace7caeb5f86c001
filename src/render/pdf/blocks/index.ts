import {
  type Block,
  type BlockType,
  conditionHolds as holds,
  type LeafBlock,
} from '../../../templates/index.ts';
import { type DrawContext, fixedContext } from '../context.ts';
import { drawAddress } from './address.ts';
import { drawChart } from './chart.ts';
import { drawBarcode, drawQr } from './code.ts';
import { columnsDrawer } from './columns.ts';
import { drawImage, drawLogo } from './image.ts';
import { drawKeyValue } from './key-value.ts';
import { drawPageBreak, drawRule, drawSpacer } from './simple.ts';
import { drawTable } from './table.ts';
import { drawTextBlock } from './text.ts';

type Drawer<B> = (ctx: DrawContext, block: B, path: string) => void;
type Drawers<U extends { type: string }> = { [K in U['type']]: Drawer<Extract<U, { type: K }>> };

/** One drawer per leaf block type: a new block type is one file and one line here. */
const LEAF_DRAWERS: Drawers<LeafBlock> = {
  text: drawTextBlock,
  address: drawAddress,
  'key-value': drawKeyValue,
  table: drawTable,
  spacer: drawSpacer,
  rule: drawRule,
  'page-break': drawPageBreak,
  qr: drawQr,
  barcode: drawBarcode,
  chart: drawChart,
  image: drawImage,
  logo: drawLogo,
};

/** A block's `when` condition on the data and scope (templates' condition.ts); no condition is true. */
export function conditionHolds(ctx: DrawContext, when: string | undefined): boolean {
  return when === undefined || holds({ ...ctx.data, ...ctx.scope }, when);
}

/** Where a block with `at` was drawn: out of the flow (the studio's block map boxes it there). */
export interface PlacedBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

function drawPlaced<B extends Block>(
  drawer: Drawer<B>,
  ctx: DrawContext,
  block: B,
  path: string,
): PlacedBox | undefined {
  if (!conditionHolds(ctx, 'when' in block ? block.when : undefined)) return undefined;
  const at = 'at' in block ? block.at : undefined;
  const before = 'spaceBefore' in block ? (block.spaceBefore ?? 0) : 0;
  const after = 'spaceAfter' in block && block.type !== 'address' ? (block.spaceAfter ?? 0) : 0;
  if (!at) {
    if (ctx.y > ctx.frame.top) ctx.y += before; // no leading space at the top of a page or band
    drawer(ctx, block, path);
    ctx.y += after;
    return undefined;
  }
  const { margins } = ctx.layout.page;
  const width = at.width ?? ctx.page.width - margins.right - at.left;
  const box = fixedContext(ctx, {
    left: at.left,
    width,
    top: at.top,
    bottom: ctx.page.height - margins.bottom,
  });
  drawer(box, block, path);
  ctx.y = Math.max(ctx.y, box.y + after);
  return { left: at.left, top: at.top, width, height: box.y - at.top };
}

export function drawLeafBlock(ctx: DrawContext, block: LeafBlock, path: string): PlacedBox | undefined {
  return drawPlaced(LEAF_DRAWERS[block.type] as Drawer<LeafBlock>, ctx, block, path);
}

const drawColumns = columnsDrawer(drawLeafBlock);

/**
 * Draws any block at the context's cursor (or at its `at` place) and moves the cursor past it; for an
 * `at` block, where it was drawn.
 */
export function drawBlock(ctx: DrawContext, block: Block, path: string): PlacedBox | undefined {
  if (block.type === 'columns') return drawPlaced(drawColumns, ctx, block, path);
  return drawLeafBlock(ctx, block, path);
}

export const BLOCK_TYPES: readonly BlockType[] = [...(Object.keys(LEAF_DRAWERS) as BlockType[]), 'columns'];
