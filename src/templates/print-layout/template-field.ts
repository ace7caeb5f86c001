import { z } from 'zod';
import { TemplateText } from '../handlebars/template-text.ts';
import { whenCondition } from './condition.ts';
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
 * A condition on the document data: a dotted path such as `offers` or `offers.1.cta`, optionally
 * negated with `!`. The block is drawn only when the value is present and truthy (an empty array is
 * false); a skipped block's strings are never evaluated, so they may name data that is absent.
 */
export const condition = z
  .string()
  .regex(
    /^!?[A-Za-z_$][\w$]*(\.[\w$]+)*$/,
    'a data path such as offers or offers.1.cta, optionally !negated',
  );

/**
 * Fields every block accepts. `at` takes a block out of the flow and draws it at that place on the
 * current page; the flow then continues below whichever is lower, the flow or the block.
 */
export const blockCommon = {
  style: styleRefs.optional(),
  spaceBefore: length.optional(),
  spaceAfter: length.optional(),
  at: position.optional(),
  /** Draw the block only when this condition on the data holds (see condition.ts: `offers`, `!offers`, `totals.fees > 0`). */
  when: whenCondition.optional(),
};
