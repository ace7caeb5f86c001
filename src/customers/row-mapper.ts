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
  mappedColumns,
  ROW_NUMBER,
  SYNTHETIC_FIELDS,
  type SyntheticField,
  type TextFieldSpec,
  type TraitSpec,
} from './mapping.ts';
import type { RowProblem, SourceRow } from './source-row.ts';
import { type SyntheticIdentity, syntheticIdentity } from './synthetic-identity.ts';

export type MapResult =
  | { ok: true; customer: Customer }
  | { ok: false; customerId: string | null; problems: RowProblem[] };

/** Used when neither the data, a default nor a synthetic identity gives a locale or time zone. */
export const FALLBACK_LOCALE = 'en-GB';

interface Spec {
  from: string;
  required?: boolean | undefined;
  nullValues?: string[] | undefined;
  trim?: boolean | undefined;
}

const EMPTY = Symbol('empty');
type Raw = unknown | typeof EMPTY;

/** Reads a field: undefined, null, "" and the spec's nullValues are EMPTY; text is trimmed unless trim: false. */
function read(row: SourceRow, spec: Spec): Raw {
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
  const mapped = new Set([...mappedColumns(mapping).keys()].flatMap((c) => [c, c.split('.')[0]!]));
  const spec = normaliseDefaults(mapping);
  const traitEntries = Object.entries(mapping.traits);

  return (row) => {
    const problems: RowProblem[] = [];
    const id = readId(row, mapping, problems);
    let identity: SyntheticIdentity | undefined;
    let knownLocale: string | null = null;
    const synth = (field: SyntheticField): SyntheticIdentity | undefined => {
      if (!synthetic.has(field) || id === null) return undefined;
      identity ??= syntheticIdentity(id, { seed, locale: knownLocale });
      return identity;
    };
    const text = (spec: TextFieldSpec | undefined, coerce: (v: unknown) => Coerced<string>): string | null =>
      spec ? field(row, spec, coerce, problems) : null;

    knownLocale = text(spec.locale, toLocale);
    const locale = knownLocale ?? synth('locale')?.locale ?? FALLBACK_LOCALE;
    const timeZone = text(spec.timeZone, toTimeZone) ?? synth('locale')?.timeZone ?? zoneFor(locale);
    const name = text(spec.name, toText) ?? synth('name')?.name ?? '';
    const email = text(spec.email, toEmail) ?? synth('email')?.email ?? null;
    const phone = text(spec.phone, toPhone) ?? synth('phone')?.phone ?? null;
    const address = readAddress(row, spec, problems) ?? synth('address')?.address ?? null;
    const consent = readConsent(row, spec, problems, synth('consent')?.consent);
    const eDelivery = booleanField(row, spec.eDelivery, problems) ?? synth('eDelivery')?.eDelivery ?? false;
    const traits: Traits = mapping.unmapped === 'traits' ? unmappedTraits(row, mapped) : {};
    for (const [traitName, spec] of traitEntries) {
      traits[traitName] = field(row, spec, traitCoercer(spec), problems);
    }
    if (id === null || problems.length > 0) return { ok: false, customerId: id, problems };
    return {
      ok: true,
      customer: { id, name, locale, timeZone, email, phone, address, consent, eDelivery, traits },
    };
  };
}

/** Defaults in the shape the data is stored in ("+44 7700 900123" → "+447700900123"). */
function normaliseDefaults(mapping: CustomerMapping): CustomerMapping {
  const norm = <S extends TextFieldSpec | undefined>(spec: S, coerce: (v: unknown) => Coerced<string>): S => {
    if (spec?.default === undefined) return spec;
    const result = coerce(spec.default);
    return result.ok ? { ...spec, default: result.value } : spec;
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

function readId(row: SourceRow, mapping: CustomerMapping, problems: RowProblem[]): string | null {
  const spec = mapping.id;
  let id: string;
  if (spec.from === ROW_NUMBER) {
    id = String(row.row);
  } else {
    const raw = read(row, spec);
    const text = raw === EMPTY ? null : toText(raw);
    if (text === null || !text.ok || text.value === '') {
      problems.push({
        field: spec.from,
        reason: text && !text.ok ? `bad id: ${text.reason}` : 'empty id',
        code: text ? 'MSV_INPUT_BAD_VALUE' : 'MSV_INPUT_MISSING_VALUE',
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
  spec: Spec & { default?: T | undefined },
  coerce: (v: unknown) => Coerced<T>,
  problems: RowProblem[],
): T | null {
  const raw = read(row, spec);
  if (raw === EMPTY) {
    if (spec.required)
      problems.push({ field: spec.from, reason: 'required value is empty', code: 'MSV_INPUT_MISSING_VALUE' });
    return spec.default ?? null;
  }
  const result = coerce(raw);
  if (result.ok) return result.value;
  problems.push({ field: spec.from, reason: result.reason, code: 'MSV_INPUT_BAD_VALUE' });
  return null;
}

function booleanField(
  row: SourceRow,
  spec: BooleanFieldSpec | undefined,
  problems: RowProblem[],
): boolean | null {
  return spec ? field(row, spec, (v) => toBoolean(v, spec.trueValues, spec.falseValues), problems) : null;
}

/** The coercion a typed field (trait or feed field) applies to its raw value. */
export function traitCoercer(spec: TraitSpec): (v: unknown) => Coerced<TraitValue> {
  switch (spec.type) {
    case 'string':
      return toText;
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
function readAddress(row: SourceRow, mapping: CustomerMapping, problems: RowProblem[]): PostalAddress | null {
  const spec = mapping.address;
  if (!spec) return null;
  const local: RowProblem[] = [];
  const lines = spec.lines.map((l) => field(row, l, toText, local)).filter((l): l is string => l !== null);
  const postalCode = spec.postalCode ? field(row, spec.postalCode, toText, local) : null;
  const city = field(row, spec.city, toText, local);
  const country = field(row, spec.country, toCountry, local);
  const anyValue =
    lines.length > 0 || postalCode !== null || city !== null || (country !== null && !spec.country.default);
  if (!anyValue && local.length === 0) return null;
  if (lines.length === 0) local.push(incomplete(spec.lines[0]!.from, 'no street line'));
  if (city === null) local.push(incomplete(spec.city.from, 'no city'));
  if (country === null) local.push(incomplete(spec.country.from, 'no country'));
  problems.push(...dedupe(local));
  return local.length > 0 ? null : { lines, postalCode: postalCode ?? '', city: city!, country: country! };
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
function unmappedTraits(row: SourceRow, mapped: Set<string>): Traits {
  const traits: Traits = {};
  const add = (key: string, value: unknown) => {
    if (key === '' || mapped.has(key)) return;
    if (typeof value === 'string') traits[key] = value.trim() === '' ? null : value.trim();
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') traits[key] = value;
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
