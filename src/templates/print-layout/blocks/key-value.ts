import { z } from 'zod';
import { whenCondition } from '../condition.ts';
import { blockCommon, styleRefs, templateField } from '../template-field.ts';
import { align, color, length } from '../units.ts';

/** A boxed list of label → value rows (account summary); kept together on one page. */
export const keyValueBlock = z.strictObject({
  type: z.literal('key-value'),
  rows: z
    .array(
      z.strictObject({
        label: templateField,
        value: templateField,
        style: styleRefs.optional(),
        /** Show the row only when this data path holds a truthy value (an IBAN, interest charged). */
        when: whenCondition.optional(),
      }),
    )
    .min(1),
  labelWidth: length.optional(),
  labelStyle: styleRefs.optional(),
  valueAlign: align.default('right'),
  border: color.optional(),
  fill: color.optional(),
  padding: length.default(6),
  ...blockCommon,
});

export type KeyValueBlock = z.output<typeof keyValueBlock>;
