import type { ChannelKind, Consent, Customer, PostalAddress, Traits, TraitValue } from '../core/types.ts';
import { CHANNEL_KINDS } from '../core/types.ts';
import {
  type Coerced,
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
import {
  type BooleanFieldSpec,
  type CustomerMapping,
  constantTraitValue,
  isConstant,
  type MappedTraitSpec,
  mappedColumns,
  ROW_NUMBER,
  SYNTHETIC_FIELDS,
  type SyntheticField,
  type TextFieldSpec,
  type TraitSpec,
  textLimits,
} from './mapping.ts';
import type { RowProblem, SourceRow } from './source-row.ts';
import { type Gender, type SyntheticIdentity, syntheticIdentity } from './synthetic-identity.ts';
import { checkText, type TextLimits, type TextRule, withTextRule } from './text-rules.ts';

export type MapResult =
  | { ok: true; customer: Customer }
  | { ok: false; customerId: string | null; problems: RowProblem[] };

/** Used when neither the data, a default nor a synthetic identity gives a locale or time zone. */
export const FALLBACK_LOCALE = 'en-GB';

interface ColumnSpec {
  from: string;
  required?: boolean | undefined;
  nullValues?: string[] | undefined;
  trim?: boolean | undefined;
}

/** A field read from a column, or a constant for every row ({"value": …}, checked when the mapping loaded). */
type Spec = ColumnSpec | { value: unknown };

const EMPTY = Symbol('empty');
type Raw = unknown | typeof EMPTY;

/** Reads a field: undefined, null, "" and the spec's nullValues are EMPTY; text is trimmed unless trim: false. */
function read(row: SourceRow, spec: ColumnSpec): Raw {
  let value = row.values.get(spec.from);
  if (value === undefined || value === null) return EMPTY;
  if (typeof value === 'string') {
    if (spec.trim !== false) value = (value as string).trim();
    if (value === '' || spec.nullValues?.includes(value as string)) return EMPTY;
  }
  return value;
}

/**
 * Compiles a mapping into a function from a source row to a Customer, or to every problem the row
 * has (each named by its column). Pure: no I/O, no clock, no randomness beyond the id-seeded identity.
 */
export function compileRowMapper(mapping: CustomerMapping): (row: SourceRow) => MapResult {
  const synthetic = new Set<SyntheticField>(
    mapping.synthetic ? (mapping.synthetic.fields ?? SYNTHETIC_FIELDS) : [],
  );
  const seed = mapping.synthetic?.seed ?? '';
  const genderOf = genderReader(mapping);
  const mapped = new Set([...mappedColumns(mapping).keys()].flatMap((c) => [c, c.split('.')[0]!]));
  const spec = normaliseDefaults(mapping);
  const rules = coercersFor(textLimits(mapping));
  const traitEntries = Object.entries(mapping.traits).map(
    ([name, trait]) => [name, trait, traitFieldCoercer(trait, rules.limits)] as const,
  );

  return (row) => {
    const problems: RowProblem[] = [];
    const id = readId(row, mapping, rules.limits, problems);
    let identity: SyntheticIdentity | undefined;
    let knownLocale: string | null = null;
    const synth = (field: SyntheticField): SyntheticIdentity | undefined => {
      if (!synthetic.has(field) || id === null) return undefined;
      identity ??= syntheticIdentity(id, { seed, locale: knownLocale, gender: genderOf(row) });
      return identity;
    };
    const text = (spec: TextFieldSpec | undefined, coerce: (v: unknown) => Coerced<string>): string | null =>
      spec ? field(row, spec, coerce, problems) : null;

    knownLocale = text(spec.locale, rules.locale);
    const locale = knownLocale ?? synth('locale')?.locale ?? FALLBACK_LOCALE;
    const timeZone = text(spec.timeZone, rules.timeZone) ?? synth('locale')?.timeZone ?? zoneFor(locale);
    const name = text(spec.name, rules.name) ?? synth('name')?.name ?? '';
    const email = text(spec.email, rules.email) ?? synth('email')?.email ?? null;
    const phone = text(spec.phone, rules.phone) ?? synth('phone')?.phone ?? null;
    const address = readAddress(row, spec, rules, problems) ?? synth('address')?.address ?? null;
    const consent = readConsent(row, spec, problems, synth('consent')?.consent);
    const eDelivery = booleanField(row, spec.eDelivery, problems) ?? synth('eDelivery')?.eDelivery ?? false;
    const traits: Traits =
      mapping.unmapped === 'traits' ? unmappedTraits(row, mapped, rules.limits, problems) : {};
    for (const [traitName, trait, coerce] of traitEntries) {
      traits[traitName] = field(row, trait, coerce, problems);
    }
    if (id === null || problems.length > 0) return { ok: false, customerId: id, problems };
    return {
      ok: true,
      customer: { id, name, locale, timeZone, email, phone, address, consent, eDelivery, traits },
    };
  };
}

/** One-line fields: no control characters, and the mapping's length limits where a field has one. */
function coercersFor(limits: TextLimits) {
  const line = <T>(coerce: (v: unknown) => Coerced<T>, max: number, limit?: keyof TextLimits) =>
    withTextRule(coerce, { kind: 'line', max, ...(limit ? { limit } : {}) });
  return {
    limits,
    name: line(toText, limits.name, 'name'),
    addressLine: line(toText, limits.addressLine, 'addressLine'),
    email: line(toEmail, limits.email, 'email'),
    phone: line(toPhone, Number.POSITIVE_INFINITY),
    locale: line(toLocale, Number.POSITIVE_INFINITY),
    timeZone: line(toTimeZone, Number.POSITIVE_INFINITY),
    country: line(toCountry, Number.POSITIVE_INFINITY),
  };
}
type FieldCoercers = ReturnType<typeof coercersFor>;

/** A customer trait: a constant (its value, checked when the mapping loaded) or a column's typed value. */
function traitFieldCoercer(spec: MappedTraitSpec, limits: TextLimits): (v: unknown) => Coerced<TraitValue> {
  if (isConstant(spec)) return () => constantTraitValue(spec);
  return traitCoercer(spec, limits);
}

/** The gender the synthetic section's gender column says, or null when it says nothing known. */
function genderReader(mapping: CustomerMapping): (row: SourceRow) => Gender | null {
  const spec = mapping.synthetic?.gender;
  if (!spec) return () => null;
  const female = new Set(spec.female.map((v) => v.trim().toLowerCase()));
  const male = new Set(spec.male.map((v) => v.trim().toLowerCase()));
  return (row) => {
    const raw = row.values.get(spec.from);
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return null;
    const value = String(raw).trim().toLowerCase();
    return female.has(value) ? 'female' : male.has(value) ? 'male' : null;
  };
}

/** Defaults in the shape the data is stored in ("+44 7700 900123" → "+447700900123"). */
function normaliseDefaults(mapping: CustomerMapping): CustomerMapping {
  const norm = <S extends TextFieldSpec | undefined>(spec: S, coerce: (v: unknown) => Coerced<string>): S => {
    if (spec === undefined) return spec;
    const given: TextFieldSpec = spec;
    if ('value' in given) {
      const result = coerce(given.value);
      return (result.ok ? { ...given, value: result.value } : spec) as S;
    }
    if (given.default === undefined) return spec;
    const result = coerce(given.default);
    return (result.ok ? { ...given, default: result.value } : spec) as S;
  };
  const address = mapping.address && {
    ...mapping.address,
    country: norm(mapping.address.country, toCountry),
  };
  return {
    ...mapping,
    locale: norm(mapping.locale, toLocale),
    timeZone: norm(mapping.timeZone, toTimeZone),
    email: norm(mapping.email, toEmail),
    phone: norm(mapping.phone, toPhone),
    address,
  };
}

function readId(
  row: SourceRow,
  mapping: CustomerMapping,
  limits: TextLimits,
  problems: RowProblem[],
): string | null {
  const spec = mapping.id;
  let id: string;
  if (spec.from === ROW_NUMBER) {
    id = String(row.row);
  } else {
    const raw = read(row, spec);
    const text =
      raw === EMPTY ? null : withTextRule(toText, { kind: 'line', max: limits.id, limit: 'id' })(raw);
    if (text === null || !text.ok || text.value === '') {
      problems.push({
        field: spec.from,
        reason: text && !text.ok ? `bad id: ${text.reason}` : 'empty id',
        code: text
          ? text.ok
            ? 'MSV_INPUT_BAD_VALUE'
            : (text.code ?? 'MSV_INPUT_BAD_VALUE')
          : 'MSV_INPUT_MISSING_VALUE',
      });
      return null;
    }
    id = text.value;
  }
  if (spec.pad !== undefined) id = id.padStart(spec.pad, '0');
  return `${spec.prefix ?? ''}${id}`;
}

/** One field: the value coerced, or its default, or null when empty (a problem when required or bad). */
export function field<T>(
  row: SourceRow,
  spec: (ColumnSpec & { default?: T | undefined }) | { value: unknown },
  coerce: (v: unknown) => Coerced<T>,
  problems: RowProblem[],
): T | null {
  if (!('from' in spec)) {
    // A constant: checked when the mapping loaded, so a refusal here is a bug worth a clear row error.
    const result = coerce(spec.value);
    if (result.ok) return result.value;
    problems.push({ field: '(constant)', reason: result.reason, code: result.code ?? 'MSV_INPUT_BAD_VALUE' });
    return null;
  }
  const raw = read(row, spec);
  if (raw === EMPTY) {
    if (spec.required)
      problems.push({ field: spec.from, reason: 'required value is empty', code: 'MSV_INPUT_MISSING_VALUE' });
    return spec.default ?? null;
  }
  const result = coerce(raw);
  if (result.ok) return result.value;
  problems.push({ field: spec.from, reason: result.reason, code: result.code ?? 'MSV_INPUT_BAD_VALUE' });
  return null;
}

function booleanField(
  row: SourceRow,
  spec: BooleanFieldSpec | undefined,
  problems: RowProblem[],
): boolean | null {
  if (!spec) return null;
  const coerce = isConstant(spec)
    ? toBoolean
    : (v: unknown) => toBoolean(v, spec.trueValues, spec.falseValues);
  return field(row, spec, coerce, problems);
}

/**
 * The coercion a typed field (trait or feed field) applies to its raw value. Text is free text (may
 * span lines), without other control characters, at most `limits.text` characters.
 */
export function traitCoercer(spec: TraitSpec, limits?: TextLimits): (v: unknown) => Coerced<TraitValue> {
  switch (spec.type) {
    case 'string':
      return limits ? withTextRule(toText, { kind: 'free', max: limits.text, limit: 'text' }) : toText;
    case 'number':
      return (v) => toNumber(v, spec.decimalSeparator);
    case 'integer':
      return (v) => toInteger(v, spec.decimalSeparator);
    case 'boolean':
      return (v) => toBoolean(v, spec.trueValues, spec.falseValues);
    case 'date':
      return (v) => toDate(v, spec.format);
  }
}

/** An address when any of its parts has a value; lines, city and country are then required. */
function readAddress(
  row: SourceRow,
  mapping: CustomerMapping,
  rules: FieldCoercers,
  problems: RowProblem[],
): PostalAddress | null {
  const spec = mapping.address;
  if (!spec) return null;
  const local: RowProblem[] = [];
  const lines = spec.lines
    .map((l) => field(row, l, rules.addressLine, local))
    .filter((l): l is string => l !== null);
  const postalCode = spec.postalCode ? field(row, spec.postalCode, rules.addressLine, local) : null;
  const city = field(row, spec.city, rules.addressLine, local);
  const country = field(row, spec.country, rules.country, local);
  // A constant or default country alone does not make an address.
  const countryGiven = !isConstant(spec.country) && spec.country.default === undefined;
  const anyValue =
    lines.length > 0 || postalCode !== null || city !== null || (country !== null && countryGiven);
  if (!anyValue && local.length === 0) return null;
  if (lines.length === 0) local.push(incomplete(columnOf(spec.lines[0]!), 'no street line'));
  if (city === null) local.push(incomplete(columnOf(spec.city), 'no city'));
  if (country === null) local.push(incomplete(columnOf(spec.country), 'no country'));
  problems.push(...dedupe(local));
  return local.length > 0 ? null : { lines, postalCode: postalCode ?? '', city: city!, country: country! };
}

function columnOf(spec: Spec): string {
  return 'from' in spec ? spec.from : '(constant)';
}

function incomplete(field: string, what: string): RowProblem {
  return { field, reason: `incomplete address: ${what}`, code: 'MSV_INPUT_MISSING_VALUE' };
}

function dedupe(problems: RowProblem[]): RowProblem[] {
  return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i);
}

function readConsent(
  row: SourceRow,
  mapping: CustomerMapping,
  problems: RowProblem[],
  synthetic: Record<ChannelKind, Consent> | undefined,
): Record<ChannelKind, Consent> {
  const out = {} as Record<ChannelKind, Consent>;
  for (const channel of CHANNEL_KINDS) {
    const spec = mapping.consent?.[channel];
    out[channel] = {
      service: booleanField(row, spec?.service, problems) ?? synthetic?.[channel].service ?? true,
      marketing: booleanField(row, spec?.marketing, problems) ?? synthetic?.[channel].marketing ?? false,
    };
  }
  return out;
}

/** Columns the mapping does not name, as traits: CSV text (empty → null), NDJSON scalars as they are. */
function unmappedTraits(
  row: SourceRow,
  mapped: Set<string>,
  limits: TextLimits,
  problems: RowProblem[],
): Traits {
  const traits: Traits = {};
  const rule: TextRule = { kind: 'free', max: limits.text, limit: 'text' };
  const add = (key: string, value: unknown) => {
    if (key === '' || mapped.has(key)) return;
    if (typeof value === 'string') {
      const text = value.trim();
      const problem = checkText(text, rule);
      if (problem)
        problems.push({ field: key, reason: problem.reason, code: problem.code ?? 'MSV_INPUT_BAD_VALUE' });
      else traits[key] = text === '' ? null : text;
    } else if (value === null || typeof value === 'number' || typeof value === 'boolean') traits[key] = value;
  };
  for (const key of row.values.keys()) {
    const value = row.values.get(key);
    if (key === 'traits' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) add(k, v);
    } else {
      add(key, value);
    }
  }
  return traits;
}

/** The time zone for a locale when nothing else says: China → Shanghai, UK → London, else UTC. */
export function zoneFor(locale: string): string {
  if (/^zh(-Hans)?(-CN)?$/i.test(locale)) return 'Asia/Shanghai';
  if (/-GB$/i.test(locale)) return 'Europe/London';
  return 'UTC';
}
