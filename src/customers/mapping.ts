import fs from 'node:fs/promises';
import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';
import { CHANNEL_KINDS } from '../core/types.ts';
import {
  type Coerced,
  DATE_FORMATS,
  toCountry,
  toDate,
  toEmail,
  toLocale,
  toPhone,
  toTimeZone,
} from './coerce.ts';

/**
 * The column mapping: which source column feeds which customer field or trait, with what type.
 * JSON, validated with zod; every problem is reported with its path. See docs in
 * examples/bank-marketing/README.md and the example mapping next to it.
 *
 * A field is either a column name ("email") or an object ({"from": "email", "required": true}).
 * NDJSON columns may be dotted paths into nested objects ("address.city", "tags.0").
 */

/** `id: {"from": "$row"}`: the data row number, 1-based, header excluded. */
export const ROW_NUMBER = '$row';

export const SYNTHETIC_FIELDS = [
  'name',
  'email',
  'phone',
  'address',
  'locale',
  'consent',
  'eDelivery',
] as const;
export type SyntheticField = (typeof SYNTHETIC_FIELDS)[number];

export const SOURCE_FORMATS = ['csv', 'ndjson'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];
export const DELIMITERS = [',', ';', '\t', '|'] as const;

const column = z.string().min(1, 'must name a column');
const common = {
  from: column,
  /** An empty value rejects the row instead of falling back to the default. */
  required: z.boolean().optional(),
  /** Values that mean "empty" besides the empty string, e.g. ["NA", "n/a"]. */
  nullValues: z.array(z.string()).optional(),
  /** Trim spaces around text values (default true). */
  trim: z.boolean().optional(),
};
const booleanOptions = {
  trueValues: z.array(z.string().min(1)).min(1).optional(),
  falseValues: z.array(z.string().min(1)).min(1).optional(),
};
const decimalSeparator = z.enum(['.', ',']).optional();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date YYYY-MM-DD');

/** "col" → {"from": "col"}; objects without a type get type "string" (traits only). */
const shorthand = (withType: boolean) => (v: unknown) => {
  if (typeof v === 'string') return withType ? { from: v, type: 'string' } : { from: v };
  if (withType && v !== null && typeof v === 'object' && !Array.isArray(v) && !('type' in v)) {
    return { ...v, type: 'string' };
  }
  return v;
};

/** A default that must pass the field's own check (an e-mail default must be an e-mail address…). */
const checkedDefault = (check?: (v: unknown) => Coerced<string>) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const result = check?.(value);
      if (result && !result.ok) ctx.addIssue({ code: 'custom', message: result.reason });
    })
    .optional();

const textFieldOf = (check?: (v: unknown) => Coerced<string>) =>
  z.preprocess(shorthand(false), z.strictObject({ ...common, default: checkedDefault(check) }));
const textField = textFieldOf();
const booleanField = z.preprocess(
  shorthand(false),
  z.strictObject({ ...common, ...booleanOptions, default: z.boolean().optional() }),
);

/** One typed field of the mapping language (traits, and the fields of a data feed). */
export const traitField = z.preprocess(
  shorthand(true),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('string'), ...common, default: z.string().optional() }),
    z.strictObject({
      type: z.literal('number'),
      ...common,
      decimalSeparator,
      default: z.number().optional(),
    }),
    z.strictObject({
      type: z.literal('integer'),
      ...common,
      decimalSeparator,
      default: z.number().int().optional(),
    }),
    z.strictObject({
      type: z.literal('boolean'),
      ...common,
      ...booleanOptions,
      default: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('date'),
      ...common,
      format: z.enum(DATE_FORMATS).optional(),
      default: isoDate
        .superRefine((value, ctx) => {
          const result = toDate(value);
          if (!result.ok) ctx.addIssue({ code: 'custom', message: result.reason });
        })
        .optional(),
    }),
  ]),
);

const idField = z.preprocess(
  shorthand(false),
  z.strictObject(
    {
      from: column,
      nullValues: common.nullValues,
      trim: common.trim,
      /** Put before the id, e.g. "C" → C12. */
      prefix: z.string().optional(),
      /** Left-pad the id with zeros to this length, e.g. 6 → 000012. */
      pad: z.number().int().min(1).max(32).optional(),
    },
    {
      error: (iss) =>
        iss.input === undefined ? 'required: a column, or {"from": "$row"} for the row number' : undefined,
    },
  ),
);

const consentField = z.strictObject({ service: booleanField.optional(), marketing: booleanField.optional() });

const syntheticSection = z.preprocess(
  (v) => (v === true ? {} : v),
  z.strictObject({
    /** Which missing fields to derive from the id (default: all of them). */
    fields: z.array(z.enum(SYNTHETIC_FIELDS)).optional(),
    /** Mixed into the derivation: another seed, another population. */
    seed: z.string().optional(),
  }),
);

const mappingSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  version: z.literal(1).optional(),
  format: z.enum(SOURCE_FORMATS).optional(),
  delimiter: z.enum(DELIMITERS).optional(),
  id: idField,
  name: textField.optional(),
  locale: textFieldOf(toLocale).optional(),
  timeZone: textFieldOf(toTimeZone).optional(),
  email: textFieldOf(toEmail).optional(),
  phone: textFieldOf(toPhone).optional(),
  address: z
    .strictObject({
      lines: z.array(textField).min(1).max(5),
      postalCode: textField.optional(),
      city: textField,
      country: textFieldOf(toCountry),
    })
    .optional(),
  consent: z.partialRecord(z.enum(CHANNEL_KINDS as ['print', 'email', 'sms']), consentField).optional(),
  eDelivery: booleanField.optional(),
  traits: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'trait names are letters, digits and _'), traitField)
    .default({}),
  /** "traits": columns the mapping does not name become string traits (NDJSON: scalar values as they are). */
  unmapped: z.enum(['ignore', 'traits']).default('ignore'),
  /** "ignore": a mapped column missing from the CSV header reads as empty instead of failing the import. */
  missingColumns: z.enum(['error', 'ignore']).default('error'),
  synthetic: syntheticSection.optional(),
});

export type CustomerMapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;
export type TraitSpec = CustomerMapping['traits'][string];
export type TextFieldSpec = NonNullable<CustomerMapping['name']>;
export type BooleanFieldSpec = NonNullable<CustomerMapping['eDelivery']>;

/** Validates a mapping (already parsed from JSON); every problem is listed with its path. */
export function parseMapping(input: unknown, file?: string): CustomerMapping {
  const parsed = mappingSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${issueMessage(i)}`);
  throw new MissiveError('MSV_INPUT_BAD_MAPPING', `invalid mapping: ${issues.join('; ')}`, {
    ...(file === undefined ? {} : { file }),
    field: formatPath(parsed.error.issues[0]?.path ?? []),
    issues: issues.length,
  });
}

/** zod wraps a bad record key ("Invalid key in record"); say what is wrong with it. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

/** Reads and validates a mapping file. */
export async function loadMapping(file: string): Promise<CustomerMapping> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new MissiveError(
      'MSV_INPUT_BAD_MAPPING',
      `cannot read mapping file (${reason})`,
      { file },
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MissiveError('MSV_INPUT_BAD_MAPPING', `mapping is not valid JSON: ${(err as Error).message}`, {
      file,
    });
  }
  return parseMapping(json, file);
}

/** "traits.age.type", with odd keys quoted: traits["a.b"]. Empty path → "(mapping)". */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(mapping)';
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const key = String(p);
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/**
 * The mapping used when none is given: columns named after the customer fields (id, name, locale,
 * timeZone, email, phone, address…, eDelivery); every other column becomes a string trait (NDJSON:
 * the scalar values of the line and of its "traits" object, as they are).
 */
export function defaultMapping(format: SourceFormat): CustomerMapping {
  const csv = format === 'csv';
  const consent = Object.fromEntries(
    CHANNEL_KINDS.map((k) => [k, { service: `consent.${k}.service`, marketing: `consent.${k}.marketing` }]),
  );
  return parseMapping({
    id: 'id',
    name: 'name',
    locale: 'locale',
    timeZone: 'timeZone',
    email: 'email',
    phone: 'phone',
    address: csv
      ? {
          lines: ['addressLine1', 'addressLine2', 'addressLine3'],
          postalCode: 'postalCode',
          city: 'city',
          country: 'country',
        }
      : {
          lines: ['address.lines.0', 'address.lines.1', 'address.lines.2'],
          postalCode: 'address.postalCode',
          city: 'address.city',
          country: 'address.country',
        },
    ...(csv ? {} : { consent }),
    eDelivery: 'eDelivery',
    unmapped: 'traits',
    missingColumns: 'ignore',
  });
}

/** Every column (or NDJSON path) the mapping reads, with where it goes. */
export function mappedColumns(mapping: CustomerMapping): Map<string, string> {
  const out = new Map<string, string>();
  const add = (spec: { from: string } | undefined, target: string) => {
    if (spec && spec.from !== ROW_NUMBER) out.set(spec.from, target);
  };
  add(mapping.id, 'id');
  for (const key of ['name', 'locale', 'timeZone', 'email', 'phone', 'eDelivery'] as const)
    add(mapping[key], key);
  for (const [i, l] of (mapping.address?.lines ?? []).entries()) add(l, `address.lines[${i}]`);
  add(mapping.address?.postalCode, 'address.postalCode');
  add(mapping.address?.city, 'address.city');
  add(mapping.address?.country, 'address.country');
  for (const [channel, c] of Object.entries(mapping.consent ?? {})) {
    add(c?.service, `consent.${channel}.service`);
    add(c?.marketing, `consent.${channel}.marketing`);
  }
  for (const [name, t] of Object.entries(mapping.traits)) add(t, `traits.${name}`);
  return out;
}
