import Handlebars from 'handlebars';
import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { MissiveError } from '../../core/errors.ts';
import type { DataSourceSpec, FeedSpec } from './datasource-schema.ts';
import { decimalSum, runningSums } from './decimal.ts';
import { addDays, addMonths, monthEnd, monthStart, monthsEnding } from './period.ts';
import {
  arrayShape,
  CUSTOMER_SHAPE,
  objectShape,
  type ScalarKind,
  type Shape,
  scalar,
  shapeAt,
  UNKNOWN,
} from './shape.ts';

/**
 * The assembly language of a data source's `let` and `document` sections: how one customer's feed
 * rows become the template's document data. Compiled once per data source (every reference checked
 * against the feeds' fields, every result given a static shape), then run per customer.
 *
 * A value is
 * - a string: a dotted path into the scope (`customer.name`, `account.number`; through an array it
 *   maps: `transactions.amount` is the list of amounts) — `customer` and `asOf` are always there,
 *   and every `let` name after its definition;
 * - a number, boolean or null: itself; `{ value: … }` for a literal string or object;
 * - an object with one operator key (below), with that operator's options beside it, and an
 *   optional `default` used when the result is null;
 * - any other object: a nested object whose values are values.
 *
 * Operators:
 *   one: FEED        the customer's first row of a feed (sort, where) or null
 *   rows: FEED       the customer's rows of a feed (sort, where, limit, running: {as, start, add})
 *   each: VALUE      an array mapped through `fields` (item fields by name, outer scope behind; sort, where)
 *   sum: VALUE|[…]   exact decimal sum (only: positive|negative, abs: true)
 *   count, first, last, min, max: VALUE
 *   monthly: VALUE   rows summed per calendar month over the `months` ending at asOf's month, oldest
 *                    first, empty months 0 (date, value, months, as, only, abs) → [{month, <as>}]
 *   monthStart, monthEnd: VALUE; addDays: VALUE with days; addMonths: VALUE with months
 *   template: "…{{path}}…"  a string (Handlebars, no HTML escaping)
 *   concat: [VALUE…] with separator
 *   logic: JSON-LOGIC  anything else, evaluated over the scope (its result's shape is unknown)
 * `where` is json-logic over a row; `sort` is a field or a list of fields, `-field` descending.
 */

export type FeedRow = Readonly<Record<string, unknown>>;

export interface AssemblyInput {
  /** The customer record (`customer.…`). */
  customer: unknown;
  asOf: string;
  /** The customer's rows of a feed, over the periods the feed reads, in load order. */
  rows(feed: string): readonly FeedRow[];
}

export interface DocumentProgram {
  /** The shape of the document every customer gets. */
  readonly shape: Shape;
  /** The feeds the document reads. */
  readonly feeds: ReadonlySet<string>;
  assemble(input: AssemblyInput): Record<string, unknown>;
}

interface Scope {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly parent?: Scope;
}

interface Env {
  readonly input: AssemblyInput;
  readonly scope: Scope;
}

interface Compiled {
  readonly shape: Shape;
  run(env: Env): unknown;
}

interface CompileScope {
  readonly names: ReadonlyMap<string, Shape>;
  readonly parent?: CompileScope;
}

interface Ctx {
  readonly file: string;
  readonly feeds: Readonly<Record<string, FeedSpec>>;
  readonly used: Set<string>;
}

const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  value: [],
  path: [],
  one: ['sort', 'where'],
  rows: ['sort', 'where', 'limit', 'running'],
  each: ['fields', 'sort', 'where'],
  sum: ['only', 'abs'],
  count: [],
  first: [],
  last: [],
  min: [],
  max: [],
  monthly: ['date', 'value', 'months', 'as', 'only', 'abs'],
  monthStart: [],
  monthEnd: [],
  addDays: ['days'],
  addMonths: ['months'],
  template: [],
  concat: ['separator'],
  logic: [],
};

/** Compiles a data source's `let` and `document` sections; errors name the file and path. */
export function compileDocumentSpec(spec: DataSourceSpec, file: string): DocumentProgram {
  const ctx: Ctx = { file, feeds: spec.feeds, used: new Set() };
  const names = new Map<string, Shape>([
    ['customer', CUSTOMER_SHAPE],
    ['asOf', scalar('date')],
  ]);
  const lets: [string, Compiled][] = [];
  for (const [name, node] of Object.entries(spec.let)) {
    if (names.has(name)) throw bad(ctx, `let.${name}`, `"${name}" is already defined`);
    const compiled = compile(node, `let.${name}`, ctx, { names });
    lets.push([name, compiled]);
    names.set(name, compiled.shape);
  }
  const document = compileObject(spec.document, 'document', ctx, { names });
  return Object.freeze({
    shape: document.shape,
    feeds: ctx.used,
    assemble(input: AssemblyInput): Record<string, unknown> {
      const vars: Record<string, unknown> = { customer: input.customer, asOf: input.asOf };
      const env: Env = { input, scope: { vars } };
      for (const [name, compiled] of lets) vars[name] = compiled.run(env);
      return document.run(env) as Record<string, unknown>;
    },
  });
}

function bad(ctx: Ctx, where: string, reason: string): MissiveError {
  return new MissiveError('MSV_DATASOURCE_INVALID', `${ctx.file.split('/').pop()} ${where}: ${reason}`, {
    file: ctx.file,
    field: where,
  });
}

function compile(node: unknown, where: string, ctx: Ctx, scope: CompileScope): Compiled {
  if (typeof node === 'string') return compilePath(node, where, ctx, scope);
  if (typeof node === 'number') return literal(node, scalar(Number.isInteger(node) ? 'integer' : 'number'));
  if (typeof node === 'boolean') return literal(node, scalar('boolean'));
  if (node === null || node === undefined) return literal(null, scalar('unknown', true));
  if (Array.isArray(node)) {
    const items = node.map((n, i) => compile(n, `${where}[${i}]`, ctx, scope));
    return {
      shape: arrayShape(items[0]?.shape ?? UNKNOWN),
      run: (env) => items.map((c) => c.run(env)),
    };
  }
  const object = node as Record<string, unknown>;
  const op = Object.keys(object).find((k) => k in OPTIONS);
  if (op === undefined) return compileObject(object, where, ctx, scope);
  const allowed = new Set([op, 'default', ...(OPTIONS[op] ?? [])]);
  const stray = Object.keys(object).find((k) => !allowed.has(k));
  if (stray !== undefined) {
    throw bad(ctx, `${where}.${stray}`, `"${op}" takes ${[...allowed].slice(1).join(', ') || 'no options'}`);
  }
  const compiled = compileOperator(op, object, `${where}.${op}`, ctx, scope);
  if (!('default' in object)) return compiled;
  const fallback = compile(object.default, `${where}.default`, ctx, scope);
  return {
    shape: { ...compiled.shape, nullable: Boolean(fallback.shape.nullable) },
    run: (env) => compiled.run(env) ?? fallback.run(env),
  };
}

function literal(value: unknown, shape: Shape): Compiled {
  return { shape, run: () => value };
}

function compileObject(
  object: Readonly<Record<string, unknown>>,
  where: string,
  ctx: Ctx,
  scope: CompileScope,
): Compiled {
  const fields = Object.entries(object).map(
    ([k, v]) => [k, compile(v, `${where}.${k}`, ctx, scope)] as const,
  );
  return {
    shape: objectShape(Object.fromEntries(fields.map(([k, c]) => [k, c.shape]))),
    run: (env) => {
      const out: Record<string, unknown> = {};
      for (const [k, c] of fields) out[k] = c.run(env) ?? null;
      return out;
    },
  };
}

function lookupShape(scope: CompileScope | undefined, name: string): Shape | undefined {
  for (let s = scope; s; s = s.parent) {
    const shape = s.names.get(name);
    if (shape) return shape;
  }
  return undefined;
}

function namesIn(scope: CompileScope | undefined): string[] {
  const out: string[] = [];
  for (let s = scope; s; s = s.parent) out.push(...s.names.keys());
  return [...new Set(out)];
}

function compilePath(text: string, where: string, ctx: Ctx, scope: CompileScope): Compiled {
  const segments = text.split('.');
  const head = segments[0]!;
  const root = lookupShape(scope, head);
  if (!root) {
    throw bad(ctx, where, `"${head}" is not defined here (defined: ${namesIn(scope).join(', ')})`);
  }
  const found = shapeAt(root, segments.slice(1));
  if ('missing' in found) {
    const has = found.available.length > 0 ? ` (it has ${found.available.join(', ')})` : '';
    throw bad(ctx, where, `"${text}": no field "${found.missing}"${has}`);
  }
  return { shape: found.shape, run: (env) => readPath(env.scope, segments) };
}

/** A dotted path through the scope chain; arrays map (and flatten one level per array). */
export function readPath(scope: Scope, segments: readonly string[]): unknown {
  const head = segments[0]!;
  let value: unknown;
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (head in s.vars) {
      value = s.vars[head];
      break;
    }
  }
  return descend(value, segments, 1);
}

function descend(value: unknown, segments: readonly string[], from: number): unknown {
  let current = value;
  for (let i = from; i < segments.length; i++) {
    if (current === null || current === undefined) return null;
    if (Array.isArray(current)) return current.flatMap((item) => descend(item, segments, i) ?? []);
    if (typeof current !== 'object') return null;
    const key = segments[i]!;
    current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : null;
  }
  return current ?? null;
}

function rowShape(feed: FeedSpec): Shape {
  const props: Record<string, Shape> = {};
  for (const [name, field] of Object.entries(feed.fields)) {
    // A field is read from a column (nullable unless required) or a constant for every row.
    const spec = field as { type?: ScalarKind; required?: boolean; value?: unknown };
    const constant = 'value' in spec;
    props[name] = scalar(spec.type ?? 'string', !constant && !spec.required);
  }
  return objectShape(props);
}

function feedOf(name: unknown, where: string, ctx: Ctx): [string, FeedSpec] {
  const feed = typeof name === 'string' ? ctx.feeds[name] : undefined;
  if (!feed) {
    throw bad(
      ctx,
      where,
      `no feed "${String(name)}" (feeds: ${Object.keys(ctx.feeds).join(', ') || 'none'})`,
    );
  }
  ctx.used.add(name as string);
  return [name as string, feed];
}

type Row = Record<string, unknown>;

function compileRowFilter(
  options: Readonly<Record<string, unknown>>,
  item: Shape,
  where: string,
  ctx: Ctx,
): (rows: readonly unknown[], env: Env) => unknown[] {
  const sort = options.sort === undefined ? [] : [options.sort].flat();
  const keys = sort.map((s, i) => {
    if (typeof s !== 'string') throw bad(ctx, `${where}.sort[${i}]`, 'a field name, or -name for descending');
    const field = s.replace(/^-/, '');
    if (item.kind === 'object' && !(field in item.props)) {
      throw bad(ctx, `${where}.sort`, `no field "${field}" (it has ${Object.keys(item.props).join(', ')})`);
    }
    return { field, sign: s.startsWith('-') ? -1 : 1 };
  });
  const filter = options.where as RulesLogic | undefined;
  const limit = options.limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    throw bad(ctx, `${where}.limit`, 'a whole number ≥ 1');
  }
  return (rows, env) => {
    let out = rows.filter((r): r is Row => r !== null && typeof r === 'object');
    if (filter !== undefined)
      out = out.filter((r) => jsonLogic.truthy(jsonLogic.apply(filter, { ...r, asOf: env.input.asOf })));
    if (keys.length > 0) out = [...out].sort((a, b) => compareRows(a, b, keys));
    return limit === undefined ? out : out.slice(0, limit as number);
  };
}

function compareRows(a: Row, b: Row, keys: readonly { field: string; sign: number }[]): number {
  for (const { field, sign } of keys) {
    const x = a[field];
    const y = b[field];
    if (x === y) continue;
    if (x === null || x === undefined) return sign;
    if (y === null || y === undefined) return -sign;
    return ((x as number | string) < (y as number | string) ? -1 : 1) * sign;
  }
  return 0;
}

function numbersOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value];
}

function signFilter(options: Readonly<Record<string, unknown>>, where: string, ctx: Ctx) {
  const only = options.only;
  if (only !== undefined && only !== 'positive' && only !== 'negative') {
    throw bad(ctx, `${where}.only`, 'positive or negative');
  }
  const abs = options.abs === true;
  return (values: unknown[]): number[] =>
    values
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
      .filter((v) => (only === 'positive' ? v > 0 : only === 'negative' ? v < 0 : true))
      .map((v) => (abs ? Math.abs(v) : v));
}

function compileOperator(
  op: string,
  options: Readonly<Record<string, unknown>>,
  where: string,
  ctx: Ctx,
  scope: CompileScope,
): Compiled {
  const arg = options[op];
  const sub = (node: unknown, at = where) => compile(node, at, ctx, scope);
  switch (op) {
    case 'value':
      return literal(arg, arg === null ? scalar('unknown', true) : UNKNOWN);
    case 'path':
      if (typeof arg !== 'string') throw bad(ctx, where, 'a dotted path');
      return compilePath(arg, where, ctx, scope);
    case 'one':
    case 'rows': {
      const [feedName, feed] = feedOf(arg, where, ctx);
      let item = rowShape(feed);
      const running = compileRunning(options.running, item, `${where}.running`, ctx, scope);
      if (running && item.kind === 'object')
        item = objectShape({ ...item.props, [running.as]: scalar('number') });
      const select = compileRowFilter(options, item, where, ctx);
      if (op === 'one') {
        return {
          shape: { ...item, nullable: true },
          run: (env) => select(env.input.rows(feedName), env)[0] ?? null,
        };
      }
      return {
        shape: arrayShape(item),
        run: (env) => {
          const rows = select(env.input.rows(feedName), env);
          return running ? running.apply(rows as Row[], env) : rows;
        },
      };
    }
    case 'each':
      return compileEach(options, where, ctx, scope);
    case 'sum': {
      const parts = (Array.isArray(arg) ? arg : [arg]).map((n, i) =>
        sub(n, Array.isArray(arg) ? `${where}[${i}]` : where),
      );
      const keep = signFilter(options, where, ctx);
      return {
        shape: scalar('number'),
        run: (env) => decimalSum(keep(parts.flatMap((p) => numbersOf(p.run(env))))),
      };
    }
    case 'count': {
      const inner = sub(arg);
      return {
        shape: scalar('integer'),
        run: (env) => numbersOf(inner.run(env)).filter((v) => v !== null).length,
      };
    }
    case 'first':
    case 'last': {
      const inner = sub(arg);
      const item = inner.shape.kind === 'array' ? inner.shape.item : inner.shape;
      return {
        shape: { ...item, nullable: true },
        run: (env) => {
          const v = inner.run(env);
          if (!Array.isArray(v)) return v ?? null;
          return (op === 'first' ? v[0] : v[v.length - 1]) ?? null;
        },
      };
    }
    case 'min':
    case 'max': {
      const inner = sub(arg);
      return {
        shape: scalar('number', true),
        run: (env) => {
          const values = numbersOf(inner.run(env)).filter((v): v is number => typeof v === 'number');
          if (values.length === 0) return null;
          return op === 'min' ? Math.min(...values) : Math.max(...values);
        },
      };
    }
    case 'monthly':
      return compileMonthly(options, where, ctx, scope);
    case 'monthStart':
    case 'monthEnd': {
      const inner = sub(arg);
      const fn = op === 'monthStart' ? monthStart : monthEnd;
      return { shape: scalar('date'), run: (env) => dateOrNull(inner.run(env), fn) };
    }
    case 'addDays':
    case 'addMonths': {
      const inner = sub(arg);
      const amount = op === 'addDays' ? options.days : options.months;
      if (typeof amount !== 'number' || !Number.isInteger(amount)) {
        throw bad(ctx, `${where}`, `needs ${op === 'addDays' ? 'days' : 'months'}: a whole number`);
      }
      const fn = op === 'addDays' ? addDays : addMonths;
      return { shape: scalar('date'), run: (env) => dateOrNull(inner.run(env), (d) => fn(d, amount)) };
    }
    case 'template':
      return compileTemplate(arg, where, ctx, scope);
    case 'concat': {
      if (!Array.isArray(arg)) throw bad(ctx, where, 'a list of values');
      const parts = arg.map((n, i) => sub(n, `${where}[${i}]`));
      const separator = typeof options.separator === 'string' ? options.separator : '';
      return {
        shape: scalar('string'),
        run: (env) =>
          parts
            .map((p) => p.run(env))
            .filter((v) => v !== null && v !== undefined && v !== '')
            .join(separator),
      };
    }
    case 'logic': {
      const logic = arg as RulesLogic;
      return { shape: UNKNOWN, run: (env) => jsonLogic.apply(logic, flatScope(env.scope)) ?? null };
    }
  }
  throw bad(ctx, where, `unknown operator "${op}"`);
}

function dateOrNull(value: unknown, fn: (date: string) => string): string | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? fn(value.slice(0, 10)) : null;
}

function flatScope(scope: Scope): Record<string, unknown> {
  const chain: Scope[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent) chain.unshift(s);
  return Object.assign({}, ...chain.map((s) => s.vars));
}

function compileRunning(
  node: unknown,
  item: Shape,
  where: string,
  ctx: Ctx,
  scope: CompileScope,
): { as: string; apply(rows: Row[], env: Env): Row[] } | undefined {
  if (node === undefined) return undefined;
  const options = node as Record<string, unknown>;
  const as = options.as;
  const add = options.add;
  if (typeof as !== 'string' || typeof add !== 'string') {
    throw bad(ctx, where, 'needs as (the new field), add (the field added row by row) and start (a value)');
  }
  if (item.kind === 'object' && !(add in item.props)) throw bad(ctx, `${where}.add`, `no field "${add}"`);
  const start = compile(options.start ?? 0, `${where}.start`, ctx, scope);
  return {
    as,
    apply(rows, env) {
      const first = start.run(env);
      const sums = runningSums(
        typeof first === 'number' ? first : 0,
        rows.map((r) => r[add]),
      );
      return rows.map((r, i) => ({ ...r, [as]: sums[i] }));
    },
  };
}

function compileEach(
  options: Readonly<Record<string, unknown>>,
  where: string,
  ctx: Ctx,
  scope: CompileScope,
): Compiled {
  const source = compile(options.each, where, ctx, scope);
  const item = source.shape.kind === 'array' ? source.shape.item : UNKNOWN;
  const fields = options.fields;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw bad(ctx, `${where}`, 'needs fields: the object each item becomes');
  }
  const itemNames = new Map<string, Shape>(item.kind === 'object' ? Object.entries(item.props) : []);
  const inner = compileObject(fields as Record<string, unknown>, where.replace(/\.each$/, '.fields'), ctx, {
    names: itemNames,
    parent: scope,
  });
  const select = compileRowFilter(options, item, where, ctx);
  return {
    shape: arrayShape(inner.shape),
    run: (env) => {
      const list = source.run(env);
      if (!Array.isArray(list)) return [];
      return select(list, env).map((row) =>
        inner.run({ input: env.input, scope: { vars: row as Row, parent: env.scope } }),
      );
    },
  };
}

function compileMonthly(
  options: Readonly<Record<string, unknown>>,
  where: string,
  ctx: Ctx,
  scope: CompileScope,
): Compiled {
  const source = compile(options.monthly, where, ctx, scope);
  const item = source.shape.kind === 'array' ? source.shape.item : UNKNOWN;
  const { date, value } = options;
  const months = options.months ?? 12;
  const as = typeof options.as === 'string' ? options.as : 'amount';
  if (typeof date !== 'string' || typeof value !== 'string') {
    throw bad(ctx, where, 'needs date (the rows’ date field) and value (the field summed per month)');
  }
  if (typeof months !== 'number' || !Number.isInteger(months) || months < 1 || months > 120) {
    throw bad(ctx, `${where}.months`, 'a whole number from 1 to 120');
  }
  for (const [key, field] of [
    ['date', date],
    ['value', value],
  ] as const) {
    if (item.kind === 'object' && !(field in item.props)) {
      throw bad(ctx, `${where}.${key}`, `no field "${field}" (it has ${Object.keys(item.props).join(', ')})`);
    }
  }
  const keep = signFilter(options, where, ctx);
  return {
    shape: arrayShape(objectShape({ month: scalar('date'), [as]: scalar('number') })),
    run: (env) => {
      const list = source.run(env);
      const byMonth = new Map<string, unknown[]>();
      for (const row of Array.isArray(list) ? (list as Row[]) : []) {
        const d = row?.[date];
        if (typeof d !== 'string') continue;
        const key = `${d.slice(0, 7)}-01`;
        const values = byMonth.get(key) ?? [];
        values.push(row[value]);
        byMonth.set(key, values);
      }
      return monthsEnding(env.input.asOf, months).map((month) => ({
        month,
        [as]: decimalSum(keep(byMonth.get(month) ?? [])),
      }));
    },
  };
}

function compileTemplate(arg: unknown, where: string, ctx: Ctx, scope: CompileScope): Compiled {
  if (typeof arg !== 'string') throw bad(ctx, where, 'a Handlebars string');
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(arg);
  } catch (err) {
    throw bad(ctx, where, `not a valid Handlebars string: ${(err as Error).message.split('\n')[0]}`);
  }
  for (const statement of ast.body) {
    if (statement.type !== 'MustacheStatement') continue;
    const p = (statement as hbs.AST.MustacheStatement).path;
    if (p.type === 'PathExpression') compilePath((p as hbs.AST.PathExpression).original, where, ctx, scope);
  }
  const render = Handlebars.compile(arg, { noEscape: true, strict: false });
  return { shape: scalar('string'), run: (env) => render(flatScope(env.scope)) };
}
