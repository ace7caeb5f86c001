import { isMissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import { describeShape, type Shape } from '../customers/index.ts';
import type { CompiledTemplate } from '../templates/compile.ts';
import type { DocumentData } from '../templates/types.ts';
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
  shape: Shape,
  asOf: string,
): Promise<string[]> {
  const problems = schemaProblems(template.manifest.dataSchema as JsonSchema, shape, '');
  if (problems.length > 0) return problems;
  const placeholder = { offers: [], ...(placeholderOf(shape, asOf) as DocumentData) };
  const unchecked: CompiledTemplate = { ...template, validateData: (d) => d as DocumentData };
  const seen = new Set<string>();
  for (const locale of template.manifest.locales) {
    for (const channel of template.manifest.channels as ChannelKind[]) {
      try {
        await renderForChannel(unchecked, channel, placeholder, { asOf, locale });
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

interface JsonSchema {
  type?: string | string[];
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

/** A document of the shape with harmless values: dates = asOf, numbers 1, two items per list. */
export function placeholderOf(shape: Shape, asOf: string): unknown {
  switch (shape.kind) {
    case 'object':
      return Object.fromEntries(Object.entries(shape.props).map(([k, s]) => [k, placeholderOf(s, asOf)]));
    case 'array':
      return [placeholderOf(shape.item, asOf), placeholderOf(shape.item, asOf)];
    case 'date':
      return asOf;
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      return 'ABC123';
    default:
      return 'ABC123';
  }
}
