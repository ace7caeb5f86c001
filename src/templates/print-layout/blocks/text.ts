import { z } from 'zod';
import { blockCommon, templateField } from '../template-field.ts';
import { align, length } from '../units.ts';

/**
 * What a text is in a tagged PDF (`document.tagged`): a paragraph (`P`, the default), a heading
 * (`H1`…`H6`), a list (`L`: each line of the text is one item, drawn one under the other) or page
 * furniture a screen reader skips (`Artifact`).
 */
export const textRole = z.enum(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'L', 'Artifact']);
export type TextRole = z.output<typeof textRole>;

/** A paragraph: wraps to the width of the flow (or of `at.width`), moves to the next page when it does not fit. */
export const textBlock = z.strictObject({
  type: z.literal('text'),
  text: templateField,
  align: align.optional(),
  role: textRole.optional(),
  /**
   * Room to keep below the text on its page (e.g. `12mm`): when the text and this much more do not
   * fit, the text starts the next page — a heading is never last on a page, a closing paragraph
   * never alone on one.
   */
  keepWithNext: length.optional(),
  ...blockCommon,
});

export type TextBlock = z.output<typeof textBlock>;
