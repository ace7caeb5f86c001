import { z } from 'zod';
import { blockCommon, templateField } from '../template-field.ts';
import { color, length } from '../units.ts';

const placement = z.enum(['left', 'center', 'right']);

/**
 * A 2-D code drawn as vector squares (no image): `qrcode` (default) or `datamatrix`. `value` is a
 * Handlebars string, e.g. the customer's tracked response link. `size` is the side of the square,
 * quiet zone included.
 */
export const qrBlock = z.strictObject({
  type: z.literal('qr'),
  value: templateField,
  symbology: z.enum(['qrcode', 'datamatrix']).default('qrcode'),
  errorCorrection: z.enum(['L', 'M', 'Q', 'H']).default('M'),
  size: length.default(72),
  color: color.default('#000000'),
  align: placement.default('left'),
  caption: templateField.optional(),
  /** Alternative text (Handlebars) in a tagged document, e.g. where the code leads; required then. */
  alt: templateField.optional(),
  ...blockCommon,
});
export type QrBlock = z.output<typeof qrBlock>;

/** A linear barcode drawn as vector bars; `showText` prints the value below it in the block's style. */
export const barcodeBlock = z.strictObject({
  type: z.literal('barcode'),
  value: templateField,
  symbology: z.enum(['code128', 'code39', 'ean13', 'interleaved2of5']).default('code128'),
  width: length.default(144),
  height: length.default(36),
  color: color.default('#000000'),
  align: placement.default('left'),
  showText: z.boolean().default(true),
  /** Alternative text (Handlebars) in a tagged document; required then. */
  alt: templateField.optional(),
  ...blockCommon,
});
export type BarcodeBlock = z.output<typeof barcodeBlock>;
