import { HELPERS } from '../helpers/index.ts';
import { parseText } from './env.ts';

interface NodeLike {
  type?: string;
  path?: { original?: unknown };
  params?: { type?: string; value?: unknown }[];
  hash?: unknown;
}

export interface TextLint {
  /** The literal ids passed to `t` (`{{t 'greeting'}}` → `greeting`), checked against the locale files. */
  ids: string[];
  /** Problems a template author should fix, e.g. a variable shadowed by a helper of the same name. */
  problems: string[];
}

/** Lints by source, process-wide and bounded, as env.ts keeps compiled strings (same reason). */
const linted = new Map<string, TextLint>();
const LINTED_MAX = 20_000;

/** Walks one string's syntax tree once at compile time (a copy: callers may keep or change it). */
export function lintText(source: string): TextLint {
  let lint = linted.get(source);
  if (!lint) {
    lint = walkText(source);
    linted.set(source, lint);
    if (linted.size > LINTED_MAX) linted.delete(linted.keys().next().value!);
  }
  return { ids: [...lint.ids], problems: [...lint.problems] };
}

function walkText(source: string): TextLint {
  const out: TextLint = { ids: [], problems: [] };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as NodeLike;
    const name = n.path?.original;
    const first = n.params?.[0];
    if (name === 't' && first?.type === 'StringLiteral' && typeof first.value === 'string')
      out.ids.push(first.value);
    if (n.type === 'MustacheStatement' && typeof name === 'string' && Object.hasOwn(HELPERS, name)) {
      if (n.params?.length === 0 && !n.hash) {
        out.problems.push(
          `{{${name}}} calls the helper "${name}"; for a variable of that name write {{this.${name}}}`,
        );
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(parseText(source));
  return out;
}
