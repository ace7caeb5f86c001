import { z } from 'zod';

/**
 * A block's or a summary row's `when:` (issue 21 item 1, the studio's rule builder writes it):
 *
 *   offers                  the value is present and truthy (an empty list is false)
 *   !offers                 … it is not
 *   customer.segment == 'gold'    equal to a text ('…'), a number or true/false
 *   customer.segment != 'gold'    not equal
 *   totals.fees > 0         greater than a number (also <, >=, <=); a value that is not a number is false
 *
 * A skipped block's strings are never evaluated, so they may name data that is absent.
 */
export type ConditionOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type ConditionValue = string | number | boolean;

export type Condition =
  | { readonly path: string; readonly kind: 'set' }
  | { readonly path: string; readonly kind: 'not-set' }
  | {
      readonly path: string;
      readonly kind: 'compare';
      readonly op: ConditionOp;
      readonly value: ConditionValue;
    };

const PATH = String.raw`[A-Za-z_$][\w$]*(?:\.[\w$]+)*`;
const LITERAL = String.raw`'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false`;
const TRUTHY = new RegExp(`^(!?)(${PATH})$`);
const COMPARE = new RegExp(`^(${PATH})\\s*(==|!=|>=|<=|>|<)\\s*(${LITERAL})$`);

function literal(text: string): ConditionValue {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.startsWith("'")) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  return Number(text);
}

/** The condition written in `text`, or undefined when it is not one. */
export function parseCondition(text: string): Condition | undefined {
  const truthy = TRUTHY.exec(text.trim());
  if (truthy) return { path: truthy[2] ?? '', kind: truthy[1] ? 'not-set' : 'set' };
  const compare = COMPARE.exec(text.trim());
  if (!compare) return undefined;
  const [, path = '', op = '==', value = ''] = compare;
  if ((op === '>' || op === '<' || op === '>=' || op === '<=') && !/^-?\d/.test(value)) return undefined;
  return { path, kind: 'compare', op: op as ConditionOp, value: literal(value) };
}

/** A condition as print.yaml writes it (the inverse of parseCondition). */
export function formatCondition(condition: Condition): string {
  if (condition.kind === 'set') return condition.path;
  if (condition.kind === 'not-set') return `!${condition.path}`;
  const { value } = condition;
  const text = typeof value === 'string' ? `'${value.replace(/(['\\])/g, '\\$1')}'` : String(value);
  return `${condition.path} ${condition.op} ${text}`;
}

/** `when:` of a block or a row: validated as a condition, kept as written. */
export const whenCondition = z
  .string()
  .refine(
    (text) => parseCondition(text) !== undefined,
    "a data path (offers.1.cta), !path, or path == 'text' | != | > 0 | < 0 | >= | <=",
  );

function lookup(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function compare(actual: unknown, op: ConditionOp, expected: ConditionValue): boolean {
  if (op === '==' || op === '!=') {
    let equal: boolean;
    if (typeof expected === 'number') equal = asNumber(actual) === expected;
    else if (typeof expected === 'boolean') equal = actual === expected;
    else equal = (typeof actual === 'string' || typeof actual === 'number') && String(actual) === expected;
    return op === '==' ? equal : !equal;
  }
  const n = asNumber(actual);
  if (n === undefined || typeof expected !== 'number') return false;
  if (op === '>') return n > expected;
  if (op === '<') return n < expected;
  return op === '>=' ? n >= expected : n <= expected;
}

/**
 * Whether `when` holds for `data` (the document data with the drawing scope over it); no condition
 * holds. A text that is not a condition never reaches here (the layout's schema refuses it).
 */
export function conditionHolds(data: unknown, when: string | undefined): boolean {
  if (when === undefined) return true;
  const condition = parseCondition(when);
  if (!condition) return false;
  const value = lookup(data, condition.path);
  if (condition.kind === 'compare') return compare(value, condition.op, condition.value);
  const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
  return condition.kind === 'set' ? truthy : !truthy;
}
