import fs from 'node:fs/promises';
import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';
import { CHANNEL_KINDS } from '../core/types.ts';
import {
  type Coerced,
  DATE_FORMATS,
  toBoolean,
  toCountry,
  toDate,
  toEmail,
  toInteger,
  toLocale,
  toNumber,
  toPhone,
  toText,
  toTimeZone,
} from './coerce.ts';
import { DELIMITERS, SOURCE_FORMATS, type SourceFormat } from './source-formats.ts';
import { normaliseEncoding } from './text-encoding.ts';
import { checkText, DEFAULT_TEXT_LIMITS, type TextLimits } from './text-rules.ts';

/**
 * The column mapping: which source column feeds which customer field or trait, with what type.
 * JSON, validated with zod; every problem is reported with its path. See docs in
 * examples/bank-marketing/README.md and the example mapping next to it.
 *
 * A field is either a column name ("email"), an object ({"from": "email", "required": true}), or a
 * constant for every row ({"value": "en-GB"}; traits: {"value": 3, "type": "number"}).
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

export { DELIMITERS, SOURCE_FORMATS, type SourceFormat };

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

/**
 * A field read from a column, or a constant: `{"value": …}` picks the constant schema, anything
 * else the column schema, so each reports its own problems (not zod's "no union member matched").
 */
function columnOrConstant<C extends z.ZodType, K extends z.ZodType>(
  column: C,
  constant: K,
): z.ZodType<z.output<C> | z.output<K>, z.input<C> | z.input<K>> {
  const either = z.unknown().transform((input, ctx) => {
    const isConstant = input !== null && typeof input === 'object' && 'value' in input;
    const result = (isConstant ? constant : column).safeParse(input);
    if (result.success) return result.data as z.output<C> | z.output<K>;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: undefined });
    }
    return z.NEVER;
  });
  return either as unknown as z.ZodType<z.output<C> | z.output<K>, z.input<C> | z.input<K>>;
}

/** A text value that must pass the field's own check (an e-mail must be an e-mail address…) and hold no control character. */
const checkedText = (check?: (v: unknown) => Coerced<string>) =>
  z.string().superRefine((value, ctx) => {
    const result = checkText(value, { kind: 'line', max: Number.POSITIVE_INFINITY }) ?? check?.(value);
    if (result && !result.ok) ctx.addIssue({ code: 'custom', message: result.reason });
  });

const textFieldOf = (check?: (v: unknown) => Coerced<string>) =>
  columnOrConstant(
    z.preprocess(shorthand(false), z.strictObject({ ...common, default: checkedText(check).optional() })),
    z.strictObject({ value: checkedText(check) }),
  );
const textField = textFieldOf();
const booleanField = columnOrConstant(
  z.preprocess(
    shorthand(false),
    z.strictObject({ ...common, ...booleanOptions, default: z.boolean().optional() }),
  ),
  z.strictObject({ value: z.boolean() }),
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

const TRAIT_TYPES = ['string', 'number', 'integer', 'boolean', 'date'] as const;

/** A trait with the same value for every row: {"value": "retail"}, {"value": 3, "type": "integer"}. */
const constantTrait = z
  .strictObject({
    value: z.union([z.string(), z.number(), z.boolean()]),
    /** Default: the JSON type of the value (string, number or boolean). */
    type: z.enum(TRAIT_TYPES).optional(),
  })
  .superRefine((spec, ctx) => {
    const result = constantTraitValue(spec);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.reason, path: ['value'] });
  });

export type ConstantTraitSpec = z.output<typeof constantTrait>;

/** A constant trait's value, coerced to its type. */
export function constantTraitValue(spec: ConstantTraitSpec): Coerced<string | number | boolean> {
  const type = spec.type ?? (typeof spec.value as 'string' | 'number' | 'boolean');
  switch (type) {
    case 'string': {
      const text = toText(spec.value);
      const problem = text.ok
        ? checkText(text.value, { kind: 'free', max: Number.POSITIVE_INFINITY })
        : undefined;
      return problem ?? text;
    }
    case 'number':
      return toNumber(typeof spec.value === 'number' ? spec.value : String(spec.value));
    case 'integer':
      return toInteger(typeof spec.value === 'number' ? spec.value : String(spec.value));
    case 'boolean':
      return toBoolean(spec.value);
    case 'date':
      return toDate(spec.value);
  }
}

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

const genderValues = z.array(z.string().trim().min(1)).min(1);

const syntheticSection = z.preprocess(
  (v) => (v === true ? {} : v),
  z.strictObject({
    /** Which missing fields to derive from the id (default: all of them). */
    fields: z.array(z.enum(SYNTHETIC_FIELDS)).optional(),
    /** Mixed into the derivation: another seed, another population. */
    seed: z.string().optional(),
    /**
     * A column that says the customer's gender: synthetic first names then match it. Values are
     * compared trimmed and case-insensitively; others (and empty) draw from every name.
     */
    gender: z
      .strictObject({ from: column, female: genderValues, male: genderValues })
      .superRefine((g, ctx) => {
        const female = new Set(g.female.map((v) => v.toLowerCase()));
        const both = g.male.filter((v) => female.has(v.toLowerCase()));
        if (both.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `in both female and male: ${both.join(', ')}`,
            path: ['male'],
          });
        }
      })
      .optional(),
  }),
);

const limit = (max: number) => z.number().int().min(1).max(max).optional();

/** Longest values, in characters, per kind of field (defaults in text-rules.ts: DEFAULT_TEXT_LIMITS). */
const limitsSection = z.strictObject({
  id: limit(10_000),
  name: limit(10_000),
  addressLine: limit(10_000),
  email: limit(254),
  text: limit(1_000_000),
});

const mappingSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  version: z.literal(1).optional(),
  format: z.enum(SOURCE_FORMATS).optional(),
  delimiter: z.enum(DELIMITERS).optional(),
  /** The file's character encoding (utf-8, utf-16le, gb18030, gbk…); default: a BOM's, else UTF-8. */
  encoding: z
    .string()
    .refine((e) => normaliseEncoding(e) !== undefined, {
      message: 'unknown encoding (e.g. utf-8, utf-16le, utf-16be, gb18030, gbk, big5, windows-1252)',
    })
    .optional(),
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
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'trait names are letters, digits and _'),
      columnOrConstant(traitField, constantTrait),
    )
    .default({}),
  /** "traits": columns the mapping does not name become string traits (NDJSON: scalar values as they are). */
  unmapped: z.enum(['ignore', 'traits']).default('ignore'),
  /** "ignore": a mapped column missing from the CSV header reads as empty instead of failing the import. */
  missingColumns: z.enum(['error', 'ignore']).default('error'),
  synthetic: syntheticSection.optional(),
  limits: limitsSection.optional(),
});

export type CustomerMapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;
/** A typed field read from a column (a trait of a customer mapping, or a field of a data feed). */
export type TraitSpec = z.output<typeof traitField>;
/** A customer mapping's trait: read from a column, or a constant. */
export type MappedTraitSpec = CustomerMapping['traits'][string];
export type TextFieldSpec = NonNullable<CustomerMapping['name']>;
export type BooleanFieldSpec = NonNullable<CustomerMapping['eDelivery']>;

/** Whether a field of the mapping is a constant ({"value": …}) rather than read from a column. */
export function isConstant<S extends object>(spec: S): spec is Extract<S, { value: unknown }> {
  return 'value' in spec;
}

/** The mapping's limits, with the defaults for those it does not set. */
export function textLimits(mapping: CustomerMapping): TextLimits {
  const set = Object.entries(mapping.limits ?? {}).filter(([, v]) => v !== undefined);
  return { ...DEFAULT_TEXT_LIMITS, ...Object.fromEntries(set) };
}

/** Validates a mapping (already parsed from JSON); every problem is listed with its path. */
export function parseMapping(input: unknown, file?: string): CustomerMapping {
  const parsed = mappingSchema.superRefine(constantsWithinLimits).safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${issueMessage(i)}`);
  throw new MissiveError('MSV_INPUT_BAD_MAPPING', `invalid mapping: ${issues.join('; ')}`, {
    ...(file === undefined ? {} : { file }),
    field: formatPath(parsed.error.issues[0]?.path ?? []),
    issues: issues.length,
  });
}

/** Constants and defaults must fit the limits the rows are held to. */
function constantsWithinLimits(mapping: CustomerMapping, ctx: z.RefinementCtx): void {
  const limits = textLimits(mapping);
  const check = (spec: TextFieldSpec | undefined, max: number, path: PropertyKey[]) => {
    if (!spec) return;
    const [value, key] = isConstant(spec) ? [spec.value, 'value'] : [spec.default, 'default'];
    if (value !== undefined && [...value].length > max) {
      ctx.addIssue({ code: 'custom', message: `longer than ${max} characters`, path: [...path, key] });
    }
  };
  check(mapping.name, limits.name, ['name']);
  check(mapping.email, limits.email, ['email']);
  for (const [i, line] of (mapping.address?.lines ?? []).entries())
    check(line, limits.addressLine, ['address', 'lines', i]);
  check(mapping.address?.postalCode, limits.addressLine, ['address', 'postalCode']);
  check(mapping.address?.city, limits.addressLine, ['address', 'city']);
  for (const [name, spec] of Object.entries(mapping.traits)) {
    const value = isConstant(spec) ? spec.value : spec.type === 'string' ? spec.default : undefined;
    if (typeof value === 'string' && [...value].length > limits.text) {
      const key = isConstant(spec) ? 'value' : 'default';
      ctx.addIssue({
        code: 'custom',
        message: `longer than ${limits.text} characters`,
        path: ['traits', name, key],
      });
    }
  }
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

/** Every column (or NDJSON path) the mapping reads, with where it goes (constants read none). */
export function mappedColumns(mapping: CustomerMapping): Map<string, string> {
  const out = new Map<string, string>();
  const add = (spec: { from: string } | { value: unknown } | undefined, target: string) => {
    if (spec && 'from' in spec && spec.from !== ROW_NUMBER) out.set(spec.from, target);
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
  add(mapping.synthetic?.gender, 'synthetic.gender');
  return out;
}
