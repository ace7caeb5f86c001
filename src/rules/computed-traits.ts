import type { Customer } from '../core/types.ts';
import type { TraitsFile } from './catalog.ts';
import { compileLogic, type Evaluator } from './logic.ts';

/**
 * The "integrate and extract features" step: the object every rule reads. It holds each declared
 * trait (null when the customer has none), then each computed trait in order, `asOf` (date, year,
 * month, day) and `segments` (named segment memberships, filled by segments.ts).
 */

/** Names the rules may read besides the traits: they cannot be trait or computed-trait names. */
export const RESERVED_NAMES = ['asOf', 'segments'] as const;

export interface AsOfParts {
  date: string;
  year: number;
  month: number;
  day: number;
}

export type RuleData = Record<string, unknown>;

export interface CompiledTraits {
  readonly traitNames: readonly string[];
  readonly computed: readonly { name: string; fn: Evaluator }[];
  /** A fresh rule-data object for the customer, computed traits filled in. */
  build(customer: Pick<Customer, 'traits'>, asOf: AsOfParts): RuleData;
}

export function compileTraits(def: TraitsFile): CompiledTraits {
  const traitNames = Object.keys(def.traits);
  const computed = def.computed.map((c) => ({ name: c.name, fn: compileLogic(c.rule) }));
  return {
    traitNames,
    computed,
    build(customer, asOf) {
      const traits = customer.traits;
      const data: RuleData = { asOf, segments: null };
      for (const name of traitNames) data[name] = traits[name] ?? null;
      for (const c of computed) data[c.name] = c.fn(data);
      return data;
    },
  };
}

const asOfCache = new Map<string, AsOfParts>();

/** `2026-10-31` → its parts, shared (frozen) between every customer of a run. */
export function asOfParts(date: string): AsOfParts {
  let parts = asOfCache.get(date);
  if (!parts) {
    parts = Object.freeze({
      date,
      year: Number(date.slice(0, 4)),
      month: Number(date.slice(5, 7)),
      day: Number(date.slice(8, 10)),
    });
    if (asOfCache.size > 1000) asOfCache.clear();
    asOfCache.set(date, parts);
  }
  return parts;
}
