import { z } from 'zod';
import { blockCommon, templateField } from '../template-field.ts';
import { align } from '../units.ts';

/** A paragraph: wraps to the width of the flow (or of `at.width`), moves to the next page when it does not fit. */
export const textBlock = z.strictObject({
  type: z.literal('text'),
  text: templateField,
  align: align.optional(),
  ...blockCommon,
});

export type TextBlock = z.output<typeof textBlock>;
