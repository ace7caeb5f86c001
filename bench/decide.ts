/**
 * Decisions per second for the 45,211 bank-marketing customers × the shipped bank catalog (the
 * monthly statement: 2 offer slots, 10 % holdout), on one core: the full decision — computed traits,
 * segments, eligibility, suppression, channel policy, Thompson ranking, propensities, the decision
 * record with its reasons. Reference: json-logic-js alone evaluating the same catalog rules (computed
 * traits, named segments, every offer's heldWhen and eligibility) on the same customers.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import jsonLogic, { type RulesLogic } from 'json-logic-js';
import type { Customer } from '../src/core/types.ts';
import { importCustomers } from '../src/customers/import.ts';
import { loadCatalogDirOrThrow } from '../src/rules/catalog-loader.ts';
import { compileCatalog } from '../src/rules/compile.ts';
import { decide } from '../src/rules/decide.ts';
import { PRIOR_ONLY } from '../src/rules/ranking.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BANK = path.resolve(root, '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv');

async function bankCustomers(): Promise<Customer[]> {
  const customers: Customer[] = [];
  await importCustomers({
    file: BANK,
    mapping: path.join(root, 'examples', 'bank-marketing', 'mapping.json'),
    sink: async (batch) => {
      customers.push(...batch);
      return { inserted: batch.length, updated: 0, unchanged: 0 };
    },
  });
  return customers;
}

function best(rounds: number, fn: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest / 1000;
}

export async function benchDecide(): Promise<{
  name: string;
  missive: number;
  reference: number;
  unit: string;
}> {
  const customers = await bankCustomers();
  const catalog = await loadCatalogDirOrThrow(path.join(root, 'catalogs', 'bank'));
  const compiled = compileCatalog(catalog);
  const ctx = {
    asOf: '2026-10-31',
    now: '2026-11-01T09:00:00.000Z',
    runId: 'run_bench',
    communicationType: 'monthly-statement',
    catalog: compiled,
    model: PRIOR_ONLY,
  };
  let offers = 0;
  const missiveSeconds = best(3, () => {
    offers = 0;
    for (const c of customers) offers += decide(c, ctx).offers.length;
  });

  const computed = catalog.traits.computed.map((c) => [c.name, c.rule as RulesLogic] as const);
  const segments = catalog.traits.segments.map((s) => [s.id, s.rule as RulesLogic] as const);
  const rules = catalog.offers.flatMap((o) =>
    [o.heldWhen, o.eligibility].filter((r) => r !== undefined),
  ) as RulesLogic[];
  let truths = 0;
  const referenceSeconds = best(3, () => {
    truths = 0;
    for (const c of customers) {
      const data: Record<string, unknown> = { ...c.traits, asOf: ctx.asOf };
      for (const [name, rule] of computed) data[name] = jsonLogic.apply(rule, data);
      const flags: Record<string, unknown> = {};
      for (const [id, rule] of segments) flags[id] = jsonLogic.apply(rule, data);
      data.segments = flags;
      for (const rule of rules) if (jsonLogic.truthy(jsonLogic.apply(rule, data))) truths++;
    }
  });
  console.log(
    `decide: ${customers.length} customers, ${offers} offers placed; reference: ${truths} rules true`,
  );
  return {
    name: 'decide bank-full × bank catalog',
    missive: customers.length / missiveSeconds,
    reference: customers.length / referenceSeconds,
    unit: 'customers/s',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await benchDecide());
