import { z } from 'zod';
import { blockCommon, styleRefs, templateField } from '../template-field.ts';
import { align, color, length, width } from '../units.ts';

const column = z.strictObject({
  id: z.string().regex(/^[A-Za-z][\w-]*$/, 'letters, digits, _ and -'),
  header: templateField,
  /** Evaluated per row with the document data plus `row` (the item) and `index` (1-based). */
  value: templateField,
  width,
  align: align.optional(),
});

/**
 * A table over an array in the data that breaks across pages. The header row repeats on every page;
 * with `carry`, a "Carried forward" line closes each page the table continues beyond and a
 * "Brought forward" line opens the next. `carry.value` is evaluated with the data plus `row` (the last
 * row drawn) and `sum` (per numeric field of the rows, the sum so far) and is drawn in `carry.column`.
 */
export const tableBlock = z
  .strictObject({
    type: z.literal('table'),
    rows: z
      .string()
      .regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'a dotted data path such as transactions'),
    columns: z.array(column).min(1),
    repeatHeader: z.boolean().default(true),
    carry: z
      .strictObject({
        carried: templateField,
        brought: templateField,
        column: z.string(),
        value: templateField,
      })
      .optional(),
    empty: templateField.optional(),
    headerStyle: styleRefs.optional(),
    carryStyle: styleRefs.optional(),
    headerFill: color.optional(),
    zebraFill: color.optional(),
    ruleColor: color.optional(),
    cellPadding: length.default(3),
    /**
     * The fewest rows the table starts with on a page (default 1): with less room the header and its
     * first rows move to the next page together.
     */
    minRows: z.number().int().min(1).max(20).default(1),
    /**
     * A total line after the last row, on the table's last page: `label` across the columns left of
     * `column`, `value` in it, evaluated with `sum` (per numeric field, over every row) and `row` (the last).
     */
    total: z.strictObject({ label: templateField, column: z.string(), value: templateField }).optional(),
    totalStyle: styleRefs.optional(),
    ...blockCommon,
  })
  .superRefine((table, ctx) => {
    const ids = table.columns.map((c) => c.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'id'], message: 'repeated' });
    });
    if (table.total && !ids.includes(table.total.column)) {
      ctx.addIssue({
        code: 'custom',
        path: ['total', 'column'],
        message: `not a column id (${ids.join(', ')})`,
      });
    }
    if (table.carry && !ids.includes(table.carry.column)) {
      ctx.addIssue({
        code: 'custom',
        path: ['carry', 'column'],
        message: `not a column id (${ids.join(', ')})`,
      });
    }
  });

export type TableBlock = z.output<typeof tableBlock>;
export type TableColumn = TableBlock['columns'][number];
