import { z } from 'zod';
import { blockCommon } from '../template-field.ts';
import { length, width } from '../units.ts';
import { addressBlock } from './address.ts';
import { chartBlock } from './chart.ts';
import { barcodeBlock, qrBlock } from './code.ts';
import { imageBlock } from './image.ts';
import { keyValueBlock } from './key-value.ts';
import { logoBlock } from './logo.ts';
import { pageBreakBlock, ruleBlock, spacerBlock } from './simple.ts';
import { tableBlock } from './table.ts';
import { textBlock } from './text.ts';

/**
 * Every block type of the print layout language. A new type (chart, qr, offer slot) is one schema
 * file here plus one drawer in src/render/pdf/blocks, each registered by one line.
 */
export const leafBlock = z.discriminatedUnion('type', [
  textBlock,
  addressBlock,
  keyValueBlock,
  tableBlock,
  spacerBlock,
  ruleBlock,
  pageBreakBlock,
  qrBlock,
  barcodeBlock,
  chartBlock,
  imageBlock,
  logoBlock,
]);

/**
 * Side-by-side blocks; the tallest column moves the flow on. Columns do not nest and cannot break
 * across pages: `keepTogether: 25mm` starts them on a new page when less than that is left (give the
 * height of the tallest column, e.g. an offer slot's image or QR code).
 */
export const columnsBlock = z.strictObject({
  type: z.literal('columns'),
  gap: length.default(0),
  keepTogether: length.optional(),
  columns: z.array(z.strictObject({ width, blocks: z.array(leafBlock) })).min(1),
  ...blockCommon,
});

export const block = z.discriminatedUnion('type', [...leafBlock.options, columnsBlock]);

export type LeafBlock = z.output<typeof leafBlock>;
export type ColumnsBlock = z.output<typeof columnsBlock>;
export type Block = z.output<typeof block>;
export type BlockType = Block['type'];

export type { AddressBlock } from './address.ts';
export type { ChartBlock } from './chart.ts';
export type { BarcodeBlock, QrBlock } from './code.ts';
export type { ImageBlock } from './image.ts';
export type { KeyValueBlock } from './key-value.ts';
export type { LogoBlock } from './logo.ts';
export type { PageBreakBlock, RuleBlock, SpacerBlock } from './simple.ts';
export type { TableBlock, TableColumn } from './table.ts';
export type { TextBlock } from './text.ts';
