import { z } from 'zod';
import { DELIMITERS, SOURCE_FORMATS, traitField } from '../mapping.ts';

/** The shape of `datasource.yaml` (datasource.ts reads and checks it; document-spec.ts compiles its `document`). */
const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -, starting with a letter');
const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _');
/** A name for people per locale (`{ en-GB: Opening balance, zh-CN: 期初余额 }`): the call center's holdings. */
const label = z.record(
  z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as zh-CN'),
  z.string().min(1),
);

/**
 * A feed's field: a typed field of the customer-mapping language, plus an optional `label`. The label
 * is checked here and the rest by the mapping's own schema, so both report their own problems and a
 * definition without labels reads as before.
 */
const feedField = z.unknown().transform((input, ctx) => {
  const labelled = input !== null && typeof input === 'object' && !Array.isArray(input) && 'label' in input;
  const { label: given, ...rest } = labelled ? (input as Record<string, unknown>) : { label: undefined };
  const field = traitField.safeParse(labelled ? rest : input);
  const names = given === undefined ? undefined : label.safeParse(given);
  for (const issue of field.error?.issues ?? []) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: undefined });
  }
  for (const issue of names?.error?.issues ?? []) {
    ctx.addIssue({
      code: 'custom',
      message: issue.message,
      path: ['label', ...issue.path],
      input: undefined,
    });
  }
  if (!field.success || names?.success === false) return z.NEVER;
  return names?.data ? { ...field.data, label: names.data } : field.data;
});

const feedSchema = z.strictObject({
  description: z.string().optional(),
  /** The feed's name for people per locale (a heading of the call center's holdings card). */
  label: label.optional(),
  /** The extract's file name, as a glob (`transactions-*.csv`): documentation and `feeds load` checks. */
  file: z.string().min(1).optional(),
  format: z.enum(SOURCE_FORMATS).default('csv'),
  delimiter: z.enum(DELIMITERS).optional(),
  /** The file's character encoding (utf-8, utf-16le, gb18030, gbk…); default: detected from a BOM, else UTF-8. */
  encoding: z.string().min(1).optional(),
  /** The field that identifies a row within a period (unique per load): what child feeds join on. */
  key: fieldName.optional(),
  /** `customer` (the customer master) or the name of another feed of this data source. */
  parent: z.string().min(1),
  /** The field holding the parent's key (the customer id, or the parent feed's key). */
  parentKey: fieldName,
  /** A customer with no rows in this feed fails alone with MSV_DATA_MISSING. */
  required: z.boolean().default(false),
  /** Previous periods read with this one (e.g. 12 for a last-12-months chart); 1 = this period only. */
  periods: z.number().int().min(1).max(120).default(1),
  fields: z.record(fieldName, feedField),
  control: z
    .strictObject({
      /** The field whose sum the control file's `amount` checks. */
      amount: fieldName.optional(),
    })
    .optional(),
});

export const dataSourceSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  version: z.literal(1).default(1),
  feeds: z.record(name, feedSchema).default({}),
  let: z.record(fieldName, z.unknown()).default({}),
  document: z.record(z.string().min(1), z.unknown()),
});

export type FeedSpec = z.output<typeof feedSchema>;
export type DataSourceSpec = z.output<typeof dataSourceSchema>;
