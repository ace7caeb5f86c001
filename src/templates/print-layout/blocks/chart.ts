import { z } from 'zod';
import { blockCommon, styleRefs, templateField } from '../template-field.ts';
import { color, length } from '../units.ts';

const dataPath = z
  .string()
  .regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'a dotted data path such as spending');

/**
 * A bar or line chart drawn as vectors over an array in the data (`rows`). Each item gives a number
 * (`value`: a field name of the item) and a label (`label`: Handlebars with `row` and `index`).
 * Axis ticks are labelled by `axisLabel`, Handlebars with `value` (the tick), so they are localised
 * by the same helpers as the text: `{{money value account.currency}}`.
 */
export const chartBlock = z.strictObject({
  type: z.literal('chart'),
  kind: z.enum(['bar', 'line']),
  rows: dataPath,
  value: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'a field name of each row'),
  label: templateField,
  axisLabel: templateField,
  title: templateField.optional(),
  height: length.default(120),
  ticks: z.number().int().min(2).max(10).default(5),
  color: color.default('#0b3d6e'),
  gridColor: color.default('#d9e2ec'),
  labelStyle: styleRefs.optional(),
  titleStyle: styleRefs.optional(),
  /**
   * Alternative text (Handlebars) of a tagged document's chart; the data follows it, one `label value`
   * per item ("Spending by month: Jan 2026 £1,204.50; …"). Required when the document is tagged.
   */
  alt: templateField.optional(),
  /** Room to keep below the chart on its page, so what follows (a closing line) is never alone. */
  keepWithNext: length.optional(),
  ...blockCommon,
});
export type ChartBlock = z.output<typeof chartBlock>;
