import { z } from 'zod';
import { styleRefs, templateField } from '../template-field.ts';
import { length } from '../units.ts';

/**
 * The recipient's address, placed where the envelope window is. For a DL/C5 left-window envelope the
 * window starts ~20 mm from the left edge and ~45–50 mm from the top. Each entry of `lines` may
 * produce several lines (split on newlines); empty lines are dropped, so optional address parts need
 * no `{{#if}}`. `returnAddress` is printed small above the lines, inside the window.
 */
export const addressBlock = z.strictObject({
  type: z.literal('address'),
  window: z.strictObject({ left: length, top: length, width: length, height: length }),
  returnAddress: templateField.optional(),
  returnStyle: styleRefs.optional(),
  lines: z.array(templateField).min(1),
  style: styleRefs.optional(),
  spaceAfter: length.optional(),
});

export type AddressBlock = z.output<typeof addressBlock>;
