import { isMissiveError, MissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import {
  CUSTOMER_RECORD_SHAPE,
  type DataSource,
  describeShape,
  loadDataSource,
  type Shape,
} from '../customers/index.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import { type BrandSource, type DocumentData, loadBrandByName } from '../templates/index.ts';
import { renderForChannel } from './render-channel.ts';

/**
 * Whether what a data source produces (its static shape) satisfies what a template needs: every
 * field its JSON Schema requires, with a compatible type, and every field its layout reads — a field
 * the schema leaves optional but a table, chart or text uses is needed all the same. The layout is
 * checked by rendering a placeholder document of the shape in every locale and channel, so the check
 * sees exactly what rendering sees. Returns the problems, each naming the field.
 */
export async function checkDataContract(
  template: CompiledTemplate,
  given: Shape,
  asOf: string,
  brand?: BrandSource,
): Promise<string[]> {
  // `offers` is the rules stage's part of every document (the chosen offers' content), not the data source's.
  const shape: Shape =
    given.kind === 'object' && !('offers' in given.props)
      ? {
          ...given,
          props: {
            ...given.props,
            offers: { kind: 'array', item: { kind: 'object', props: {}, open: true } },
          },
        }
      : given;
  const problems = schemaProblems(template.manifest.dataSchema as JsonSchema, shape, '');
  if (problems.length > 0) return problems;
  const schema = template.manifest.dataSchema as JsonSchema;
  const placeholder = { ...(placeholderOf(shape, asOf, schema) as DocumentData), offers: [] };
  const unchecked: CompiledTemplate = { ...template, validateData: (d) => d as DocumentData };
  const seen = new Set<string>();
  // Any brand will do: every brand has the same fields, and the brand is not the data source's part.
  const placeholderBrand = brand ?? (await loadBrandByName());
  for (const locale of template.manifest.locales) {
    for (const channel of template.manifest.channels as ChannelKind[]) {
      try {
        await renderForChannel(unchecked, channel, placeholder, { asOf, locale, brand: placeholderBrand });
      } catch (err) {
        // Only a missing field is the data source's fault; anything else a placeholder cannot judge.
        if (!isMissiveError(err) || err.code !== 'MSV_TEMPLATE_VARIABLE_MISSING') continue;
        const variable = String(err.details.variable ?? err.message);
        if (seen.has(variable)) continue;
        seen.add(variable);
        problems.push(
          `${variable}: the layout reads it (${err.message}) but the data source does not produce it`,
        );
      }
    }
  }
  return problems;
}

/**
 * The communication type's data source (undefined: the customer record), once it is shown to meet
 * the template's contract; else MSV_DATA_CONTRACT naming every field it cannot produce. Used before
 * a run plans and before a template version is published.
 */
export async function requireDataContract(
  template: CompiledTemplate,
  dir: string,
  communicationType: string,
  asOf: string,
): Promise<DataSource | undefined> {
  const datasource = await loadDataSource(dir, template.manifest.dataSource ?? communicationType);
  const shape = datasource?.program.shape ?? CUSTOMER_RECORD_SHAPE;
  const problems = await checkDataContract(template, shape, asOf);
  if (problems.length === 0) return datasource;
  const what = datasource
    ? `data source ${datasource.name} (${datasource.file})`
    : `the customer record (no data source ${communicationType} in ${dir})`;
  throw new MissiveError(
    'MSV_DATA_CONTRACT',
    `template ${template.name} needs fields that ${what} does not produce: ${problems.join('; ')}`,
    { communicationType, field: problems[0]?.split(':')[0] ?? '' },
  );
}

interface JsonSchema {
  type?: string | string[];
  pattern?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

const KINDS_FOR: Readonly<Record<string, readonly string[]>> = {
  string: ['string', 'date'],
  number: ['number', 'integer'],
  integer: ['integer'],
  boolean: ['boolean'],
  object: ['object'],
  array: ['array'],
  null: [],
};

function schemaProblems(schema: JsonSchema, shape: Shape, at: string): string[] {
  if (shape.kind === 'unknown') return [];
  const types = schema.type === undefined ? [] : [schema.type].flat().filter((t) => t !== 'null');
  if (types.length > 0 && !types.some((t) => KINDS_FOR[t]?.includes(shape.kind))) {
    return [
      `${at || '(document)'}: the template wants ${types.join(' or ')}, the data source gives ${describeShape(shape)}`,
    ];
  }
  const problems: string[] = [];
  if (shape.kind === 'object') {
    for (const name of schema.required ?? []) {
      if (!(name in shape.props) && !shape.open) {
        problems.push(
          `${at ? `${at}.` : ''}${name}: required by the template's data schema but the data source does not produce it`,
        );
      }
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      const inner = shape.props[name];
      if (inner) problems.push(...schemaProblems(sub, inner, at ? `${at}.${name}` : name));
    }
  }
  if (shape.kind === 'array' && schema.items)
    problems.push(...schemaProblems(schema.items, shape.item, `${at}[]`));
  return problems;
}

/** Values tried for a placeholder string: the first that fits the schema's pattern (and the field's name) wins. */
const STRING_CANDIDATES = [
  'ABC123',
  'GBP',
  'GB',
  '12-34-56 12345678',
  'https://example.com/ABC123',
  '+447700900123',
  'name@example.com',
];

/**
 * A document of the shape with harmless values that the template's schema accepts (dates = asOf,
 * numbers 1, two items per list, strings that match the field's pattern): what the layout check renders.
 */
export function placeholderOf(shape: Shape, asOf: string, schema: JsonSchema = {}, name = ''): unknown {
  switch (shape.kind) {
    case 'object':
      return Object.fromEntries(
        Object.entries(shape.props).map(([k, s]) => [
          k,
          placeholderOf(s, asOf, schema.properties?.[k] ?? {}, k),
        ]),
      );
    case 'array':
      return [0, 1].map(() => placeholderOf(shape.item, asOf, schema.items ?? {}, name));
    case 'date':
      return asOf;
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    default:
      return placeholderString(schema.pattern, name);
  }
}

function placeholderString(pattern: string | undefined, name: string): string {
  const byName = /currency/i.test(name)
    ? 'GBP'
    : /country/i.test(name)
      ? 'GB'
      : /link|url/i.test(name)
        ? 'https://example.com/ABC123'
        : undefined;
  const candidates = byName ? [byName, ...STRING_CANDIDATES] : STRING_CANDIDATES;
  if (pattern === undefined) return candidates[0]!;
  let re: RegExp | undefined;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return candidates[0]!;
  }
  return candidates.find((c) => re.test(c)) ?? candidates[0]!;
}
