/**
 * The feedback loop on all 45,211 bank-marketing customers (`missive simulate --weeks 10`): the
 * learning model vs static priors, random choice and the oracle, per week; writes
 * bench/out/simulation.json and bench/out/simulation.svg and prints the table. As a benchmark row:
 * the learning model's response rate (weeks 2–10) against the static priors' as the reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defaultBankData, loadSimCustomers } from '../src/feedback/simulation/bank-customers.ts';
import { checkOfflineEvaluation } from '../src/feedback/simulation/offline-check.ts';
import { simulationJson, simulationSvg, simulationTable } from '../src/feedback/simulation/plot.ts';
import { simulate } from '../src/feedback/simulation/simulate.ts';
import { loadCatalogDirOrThrow } from '../src/rules/catalog-loader.ts';
import { compileCatalog } from '../src/rules/compile.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEEKS = Number(process.env.BENCH_SIM_WEEKS ?? 10);

export async function benchSimulate(): Promise<{
  name: string;
  missive: number;
  reference: number;
  unit: string;
}> {
  const customers = await loadSimCustomers(
    defaultBankData(root),
    path.join(root, 'examples', 'bank-marketing', 'mapping.json'),
  );
  const catalog = compileCatalog(await loadCatalogDirOrThrow(path.join(root, 'catalogs', 'bank')));
  const start = performance.now();
  const result = simulate(customers, { catalog, weeks: WEEKS, keepLogs: true });
  const seconds = (performance.now() - start) / 1000;
  const offline = checkOfflineEvaluation(result, { catalog, model: result.finalModel });
  console.log(`\nsimulate: ${customers.length} customers, ${WEEKS} weeks, ${seconds.toFixed(1)} s in memory`);
  console.log(simulationTable(result));
  const e = offline.estimate;
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  console.log(
    `offline evaluation of the final learned model on the static policy's logs: IPS ${pct(e.ips.mean)} [${pct(e.ips.low)}, ${pct(e.ips.high)}], SNIPS ${pct(e.snips.mean)} [${pct(e.snips.low)}, ${pct(e.snips.high)}]; ground truth ${pct(offline.truth)}`,
  );
  const out = path.join(root, 'bench', 'out');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'simulation.json'),
    `${JSON.stringify({ ...simulationJson(result), seconds, offline }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(out, 'simulation.svg'), simulationSvg(result));
  const rate = (p: 'learning' | 'static') => {
    let s = 0;
    let n = 0;
    for (const w of result.weeks.slice(1)) {
      s += w.policies[p].successes;
      n += w.policies[p].offered;
    }
    return (100 * s) / n;
  };
  return {
    name: `simulate ${WEEKS} weekly campaigns: learning model vs static priors (response rate, weeks 2–${WEEKS})`,
    missive: rate('learning'),
    reference: rate('static'),
    unit: '% responded',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await benchSimulate());
