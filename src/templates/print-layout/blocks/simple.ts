import { z } from 'zod';
import { blockCommon } from '../template-field.ts';
import { color, length } from '../units.ts';

/** Vertical space. */
export const spacerBlock = z.strictObject({ type: z.literal('spacer'), height: length });
export type SpacerBlock = z.output<typeof spacerBlock>;

/** A horizontal line across the flow. */
export const ruleBlock = z.strictObject({
  type: z.literal('rule'),
  color: color.default('#999999'),
  thickness: length.default(0.5),
  ...blockCommon,
});
export type RuleBlock = z.output<typeof ruleBlock>;

/** Continue on a new page. */
export const pageBreakBlock = z.strictObject({ type: z.literal('page-break') });
export type PageBreakBlock = z.output<typeof pageBreakBlock>;
