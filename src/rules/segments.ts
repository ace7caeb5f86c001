import type { TraitsFile } from './catalog.ts';
import type { RuleData } from './computed-traits.ts';
import { compileLogic, type Evaluator, truthy } from './logic.ts';

/**
 * Segments: the model's segment key (the values of the segmentation dimensions joined with `|`,
 * e.g. `35-49|white-collar`; the Beta posteriors are kept per offer × key) and the named segments a
 * customer belongs to (for reports, and readable in rules as `segments.<id>`).
 */
export interface CompiledSegments {
  readonly dimensions: readonly string[];
  /** Fills `data.segments` and returns the segment key and the named segments the customer is in. */
  assign(data: RuleData): { key: string; member: string[] };
}

export function compileSegments(def: TraitsFile): CompiledSegments {
  const dimensions = def.segmentation.dimensions;
  const named = def.segments.map((s) => ({ id: s.id, fn: compileLogic(s.rule) as Evaluator }));
  return {
    dimensions,
    assign(data) {
      let key = '';
      for (let i = 0; i < dimensions.length; i++) {
        const value = data[dimensions[i] as string];
        key += i === 0 ? String(value ?? '-') : `|${String(value ?? '-')}`;
      }
      const flags: Record<string, boolean> = {};
      const member: string[] = [];
      for (const s of named) {
        const isIn = truthy(s.fn(data));
        flags[s.id] = isIn;
        if (isIn) member.push(s.id);
      }
      data.segments = flags;
      return { key, member };
    },
  };
}
