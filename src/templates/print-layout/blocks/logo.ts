import { z } from 'zod';
import { blockCommon } from '../template-field.ts';
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
  ...blockCommon,
});
export type LogoBlock = z.output<typeof logoBlock>;
