import jsonLogic, { type RulesLogic } from 'json-logic-js';

/**
 * json-logic compiled once into JavaScript closures. json-logic-js walks the rule object on every
 * call (Object.keys, argument arrays, recursion through `apply`); a catalog's rules are fixed when it
 * is published, so we walk them once and keep closures that do only the work. Semantics follow
 * json-logic-js exactly (truthiness, `and`/`or` returning values, `var` defaults, loose `==`);
 * operators we do not compile (map, filter, reduce, all, some, none, missing_some) run through
 * json-logic-js itself, so anything it accepts still works. logic.test.ts checks the two agree.
 */

export type Logic = unknown;
export type Evaluator = (data: Readonly<Record<string, unknown>>) => unknown;

/** Operators json-logic-js knows (its standard set, without `log`): what validation accepts. */
export const KNOWN_OPERATORS: ReadonlySet<string> = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'reduce',
  'filter',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
]);

/** json-logic's truthiness: like JavaScript's, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return !!value;
}

/** A rule node `{op: args}` (one key, not an array). */
export function isLogicNode(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1
  );
}

/** The operator and argument list of a rule node (a lone argument becomes a list of one). */
export function nodeParts(node: Record<string, unknown>): [string, unknown[]] {
  const op = Object.keys(node)[0] as string;
  const raw = node[op];
  return [op, Array.isArray(raw) ? raw : [raw]];
}

/** A json-logic rule compiled to a function of the data, once (the catalog's rules run per customer). */
export function compileLogic(rule: Logic): Evaluator {
  if (Array.isArray(rule)) {
    const items = rule.map(compileLogic);
    return (data) => items.map((f) => f(data));
  }
  if (!isLogicNode(rule)) return () => rule;
  const [op, args] = nodeParts(rule);
  const build = BUILDERS[op];
  if (build) return build(args, rule);
  return (data) => jsonLogic.apply(rule as RulesLogic, data);
}

type Builder = (args: unknown[], rule: Record<string, unknown>) => Evaluator;

const BUILDERS: Record<string, Builder> = {
  var: compileVar,
  missing: (args, rule) => {
    if (!args.every((a) => typeof a === 'string' || typeof a === 'number')) return fallback(rule);
    const vars = args.map((a) => [a, compileVar([a])] as const);
    return (data) => {
      const missing: unknown[] = [];
      for (const [key, get] of vars) {
        const value = get(data);
        if (value === null || value === '') missing.push(key);
      }
      return missing;
    };
  },
  if: compileIf,
  '?:': compileIf,
  and: (args) => {
    const fs = args.map(compileLogic);
    return (data) => {
      let value: unknown;
      for (const f of fs) {
        value = f(data);
        if (!truthy(value)) return value;
      }
      return value;
    };
  },
  or: (args) => {
    const fs = args.map(compileLogic);
    return (data) => {
      let value: unknown;
      for (const f of fs) {
        value = f(data);
        if (truthy(value)) return value;
      }
      return value;
    };
  },
  // biome-ignore lint/suspicious/noDoubleEquals: json-logic's == is JavaScript's loose equality
  '==': binary((a, b) => a == b),
  '===': binary((a, b) => a === b),
  // biome-ignore lint/suspicious/noDoubleEquals: json-logic's != is JavaScript's loose inequality
  '!=': binary((a, b) => a != b),
  '!==': binary((a, b) => a !== b),
  '>': binary((a, b) => (a as number) > (b as number)),
  '>=': binary((a, b) => (a as number) >= (b as number)),
  '<': between((a, b) => (a as number) < (b as number)),
  '<=': between((a, b) => (a as number) <= (b as number)),
  '!': (args) => {
    const f = compileLogic(args[0]);
    return (data) => !truthy(f(data));
  },
  '!!': (args) => {
    const f = compileLogic(args[0]);
    return (data) => truthy(f(data));
  },
  '%': binary((a, b) => (a as number) % (b as number)),
  '/': binary((a, b) => (a as number) / (b as number)),
  '-': (args) => {
    const [a, b] = [compileLogic(args[0]), args.length > 1 ? compileLogic(args[1]) : undefined];
    return b ? (data) => (a(data) as number) - (b(data) as number) : (data) => -(a(data) as number);
  },
  '+': (args) => {
    const fs = args.map(compileLogic);
    return (data) => {
      let sum = 0;
      for (const f of fs) sum += Number.parseFloat(f(data) as string);
      return sum;
    };
  },
  '*': (args, rule) => {
    if (args.length === 0) return fallback(rule);
    const fs = args.map(compileLogic);
    return (data) => {
      let product = Number.parseFloat((fs[0] as Evaluator)(data) as string);
      for (let i = 1; i < fs.length; i++) product *= Number.parseFloat((fs[i] as Evaluator)(data) as string);
      return product;
    };
  },
  min: (args) => {
    const fs = args.map(compileLogic);
    return (data) => Math.min(...(fs.map((f) => f(data)) as number[]));
  },
  max: (args) => {
    const fs = args.map(compileLogic);
    return (data) => Math.max(...(fs.map((f) => f(data)) as number[]));
  },
  in: binary((a, b) => {
    if (!b || typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
    return (b as unknown[]).indexOf(a) !== -1;
  }),
  cat: (args) => {
    const fs = args.map(compileLogic);
    return (data) => fs.map((f) => f(data)).join('');
  },
};

function fallback(rule: Record<string, unknown>): Evaluator {
  return (data) => jsonLogic.apply(rule as RulesLogic, data);
}

function compileVar(args: unknown[], rule?: Record<string, unknown>): Evaluator {
  const [name, dflt] = args;
  const notFound = dflt === undefined ? null : dflt;
  if (isLogicNode(name) || isLogicNode(dflt)) return fallback(rule ?? { var: args });
  if (name === undefined || name === '' || name === null) return (data) => data;
  const path = String(name).split('.');
  if (path.length === 1) {
    const key = path[0] as string;
    return (data) => {
      const value = data[key];
      return value === undefined ? notFound : value;
    };
  }
  return (data) => {
    let value: unknown = data;
    for (const key of path) {
      if (value === null || value === undefined) return notFound;
      value = (value as Record<string, unknown>)[key];
      if (value === undefined) return notFound;
    }
    return value;
  };
}

function compileIf(args: unknown[]): Evaluator {
  const fs = args.map(compileLogic);
  return (data) => {
    let i = 0;
    for (; i < fs.length - 1; i += 2) {
      if (truthy((fs[i] as Evaluator)(data))) return (fs[i + 1] as Evaluator)(data);
    }
    if (i === fs.length - 1) return (fs[i] as Evaluator)(data);
    return null;
  };
}

function binary(fn: (a: unknown, b: unknown) => unknown): Builder {
  return (args) => {
    const a = compileLogic(args[0]);
    const b = compileLogic(args[1]);
    return (data) => fn(a(data), b(data));
  };
}

/** `<` and `<=` also take three arguments: a < b < c. */
function between(fn: (a: unknown, b: unknown) => boolean): Builder {
  return (args) => {
    const [a, b] = [compileLogic(args[0]), compileLogic(args[1])];
    if (args.length < 3) return (data) => fn(a(data), b(data));
    const c = compileLogic(args[2]);
    return (data) => {
      const mid = b(data);
      return fn(a(data), mid) && fn(mid, c(data));
    };
  };
}
