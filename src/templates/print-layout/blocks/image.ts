import { z } from 'zod';
import { blockCommon, condition, templateField } from '../template-field.ts';
import { length } from '../units.ts';

const packageFile = z
  .string()
  .regex(/^[\w-]+(\/[\w-]+)*\.(png|jpe?g)$/i, 'a package file such as images/logo.png (PNG or JPEG)');

/**
 * A PNG or JPEG from the package itself, stored as base64 text next to the layout:
 * `src: images/logo.png` reads `images/logo.png.b64`. No URLs, no SVG. Every image is checked when
 * the package compiles (images.ts), so a corrupt or oversized image fails lint, never a run.
 * Or `data: offers.0.image`: the data names the image (an offer's `image`, e.g. `platinum.png`), read
 * from the package folder `dir` (default `images/offers`); an image the package lacks fails the render.
 * Give `width` or `height` (or both); the other keeps the image's proportions.
 */
export const imageBlock = z
  .strictObject({
    type: z.literal('image'),
    src: packageFile.optional(),
    data: condition.optional(),
    dir: z
      .string()
      .regex(/^[\w-]+(\/[\w-]+)*$/, 'a package folder such as images/offers')
      .default('images/offers'),
    width: length.optional(),
    height: length.optional(),
    align: z.enum(['left', 'center', 'right']).default('left'),
    /** Alternative text (Handlebars) read out instead of the image; required when the document is tagged. */
    alt: templateField.optional(),
    ...blockCommon,
  })
  .refine((b) => (b.src === undefined) !== (b.data === undefined), 'give exactly one of src or data');
export type ImageBlock = z.output<typeof imageBlock>;
