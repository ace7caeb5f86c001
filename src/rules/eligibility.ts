import { compileLogic, type Evaluator, isLogicNode, nodeParts, truthy } from './logic.ts';

/**
 * An offer's eligibility rule, compiled. A top-level `and` is kept as its clauses, so a rejection
 * can name the clause that failed (`eligibility.and[2]`) at no extra cost: evaluation stops there.
 */
export interface CompiledEligibility {
  /** Index of the first failing clause, or -1 when the customer is eligible. */
  firstFailing(data: Readonly<Record<string, unknown>>): number;
  /** Per clause: where it is and a readable reason, made once at compile time. */
  readonly clauses: readonly { path: string; reason: string }[];
}

export function compileEligibility(rule: unknown, at = 'eligibility'): CompiledEligibility {
  const parts = topLevelAnd(rule);
  const sources = parts ?? [rule];
  const fns: Evaluator[] = sources.map(compileLogic);
  const clauses = sources.map((clause, i) => {
    const path = parts ? `${at}.and[${i}]` : at;
    return { path, reason: `${path} is false: ${JSON.stringify(clause)}` };
  });
  const n = fns.length;
  return {
    clauses,
    firstFailing(data) {
      for (let i = 0; i < n; i++) if (!truthy((fns[i] as Evaluator)(data))) return i;
      return -1;
    },
  };
}

function topLevelAnd(rule: unknown): unknown[] | undefined {
  if (!isLogicNode(rule)) return undefined;
  const [op, args] = nodeParts(rule);
  return op === 'and' && args.length > 0 ? args : undefined;
}
