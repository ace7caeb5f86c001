import { z } from 'zod';
import { TemplateText } from '../handlebars/template-text.ts';
import { length } from './units.ts';

/** A layout field holding a Handlebars string; compile.ts binds every one of them once. */
export const templateField = z.string().transform((source) => new TemplateText(source));

/** A reference to a named style in `styles:` (or several, merged left to right). */
export const styleRef = z.string().min(1);
export const styleRefs = z.union([styleRef, z.array(styleRef).min(1)]);

/** A place on the page, measured from its top-left corner (not from the margins). */
export const position = z.strictObject({ left: length, top: length, width: length.optional() });
export type Position = z.output<typeof position>;

/**
 * Fields every block accepts. `at` takes a block out of the flow and draws it at that place on the
 * current page; the flow then continues below whichever is lower, the flow or the block.
 */
export const blockCommon = {
  style: styleRefs.optional(),
  spaceBefore: length.optional(),
  spaceAfter: length.optional(),
  at: position.optional(),
};
