import { z } from 'zod';
import { blockCommon } from '../template-field.ts';
import { length } from '../units.ts';

/**
 * A PNG or JPEG from the package itself, stored as base64 text next to the layout:
 * `src: images/logo.png` reads `images/logo.png.b64`. No URLs, no SVG. Every image is checked when
 * the package compiles (images.ts), so a corrupt or oversized image fails lint, never a run.
 * Give `width` or `height` (or both); the other keeps the image's proportions.
 */
export const imageBlock = z.strictObject({
  type: z.literal('image'),
  src: z
    .string()
    .regex(/^[\w-]+(\/[\w-]+)*\.(png|jpe?g)$/i, 'a package file such as images/logo.png (PNG or JPEG)'),
  width: length.optional(),
  height: length.optional(),
  align: z.enum(['left', 'center', 'right']).default('left'),
  ...blockCommon,
});
export type ImageBlock = z.output<typeof imageBlock>;
