import { z } from 'zod';
import { DELIMITERS, SOURCE_FORMATS, traitField } from '../mapping.ts';

/** The shape of `datasource.yaml` (datasource.ts reads and checks it; document-spec.ts compiles its `document`). */
const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -, starting with a letter');
const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _');

const feedSchema = z.strictObject({
  description: z.string().optional(),
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
  fields: z.record(fieldName, traitField),
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
