import { z } from 'zod';
import { blockCommon, templateField } from '../template-field.ts';
import { length } from '../units.ts';

/**
 * The brand's logo (brands/<id>/brand.yaml `logo`), so no template carries its own copy: the run's
 * brand decides which logo a letter shows. Give `height` (default 12mm) or `width`.
 */
export const logoBlock = z.strictObject({
  type: z.literal('logo'),
  width: length.optional(),
  height: length.optional(),
  align: z.enum(['left', 'center', 'right']).default('left'),
  /** Alternative text in a tagged document; default: the brand's logo text (`logo.alt` of brand.yaml). */
  alt: templateField.optional(),
  ...blockCommon,
});
export type LogoBlock = z.output<typeof logoBlock>;
