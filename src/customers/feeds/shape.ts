/**
 * The static shape of a value a data source produces: what a field will hold for every customer,
 * known before any data is read. It lets a data source be checked against its template's data
 * contract (the JSON Schema, and what the layout reads) when it is loaded, not per customer.
 */
export type ScalarKind = 'string' | 'date' | 'number' | 'integer' | 'boolean' | 'unknown';

export type Shape =
  | { kind: ScalarKind; nullable?: boolean }
  | { kind: 'object'; props: Readonly<Record<string, Shape>>; nullable?: boolean; open?: boolean }
  | { kind: 'array'; item: Shape; nullable?: boolean };

export const scalar = (kind: ScalarKind, nullable = false): Shape =>
  nullable ? { kind, nullable } : { kind };
export const objectShape = (props: Record<string, Shape>, nullable = false): Shape =>
  nullable ? { kind: 'object', props, nullable } : { kind: 'object', props };
export const arrayShape = (item: Shape): Shape => ({ kind: 'array', item });
export const UNKNOWN: Shape = { kind: 'unknown' };

/** The shape of the customer record as a data source sees it (`customer.…`). */
export const CUSTOMER_SHAPE: Shape = {
  kind: 'object',
  props: {
    id: scalar('string'),
    name: scalar('string'),
    locale: scalar('string'),
    timeZone: scalar('string'),
    email: scalar('string', true),
    phone: scalar('string', true),
    eDelivery: scalar('boolean'),
    address: objectShape(
      {
        lines: arrayShape(scalar('string')),
        postalCode: scalar('string'),
        city: scalar('string'),
        country: scalar('string'),
      },
      true,
    ),
    consent: { kind: 'object', props: {}, open: true },
    traits: { kind: 'object', props: {}, open: true },
  },
};

/**
 * The shape at a dotted path below `shape`; through an array it is the array of what the items
 * hold (`transactions.amount` is an array of numbers). Undefined when the path does not exist,
 * with the first missing segment and what was there instead.
 */
export function shapeAt(
  shape: Shape,
  segments: readonly string[],
): { shape: Shape } | { missing: string; available: string[] } {
  let current = shape;
  let arrays = 0;
  for (const segment of segments) {
    while (current.kind === 'array') {
      current = current.item;
      arrays += 1;
    }
    if (current.kind === 'unknown') return { shape: UNKNOWN };
    if (current.kind !== 'object') return { missing: segment, available: [] };
    const next = current.props[segment];
    if (!next) {
      if (current.open) return { shape: UNKNOWN };
      return { missing: segment, available: Object.keys(current.props) };
    }
    current = next;
  }
  for (let i = 0; i < arrays; i++) current = arrayShape(current);
  return { shape: current };
}

/** "number", "array of object", "string or null": for messages. */
export function describeShape(shape: Shape): string {
  const base = shape.kind === 'array' ? `array of ${describeShape(shape.item)}` : shape.kind;
  return shape.nullable ? `${base} or null` : base;
}
