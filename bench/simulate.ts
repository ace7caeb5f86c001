/**
 * The feedback loop on all 45,211 bank-marketing customers (`missive simulate --weeks 10`): the
 * learning model (each week a real run in a temporary store: decisions with the stored model,
 * rendered e-mails with tracked links, dispatch, responses through the tracking routes) vs static
 * priors, random choice and the oracle, per week; writes bench/out/simulation.json and
 * bench/out/simulation.svg and prints the table and the seconds per week. As a benchmark row: the
 * learning model's response rate (weeks 2–10) against the static priors' as the reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sendPathLine } from '../src/cli/commands/simulate.ts';
import { openStoreLearningPath } from '../src/cli/simulation-path.ts';
import { defaultBankData, loadSimCustomers } from '../src/feedback/simulation/bank-customers.ts';
import type { LearningPath } from '../src/feedback/simulation/learning-path.ts';
import { checkOfflineEvaluation } from '../src/feedback/simulation/offline-check.ts';
import { simulationJson, simulationSvg, simulationTable } from '../src/feedback/simulation/plot.ts';
import { simulate } from '../src/feedback/simulation/simulate.ts';

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
  const learning = await openStoreLearningPath({
    catalogDir: path.join(root, 'catalogs', 'bank'),
    templateDir: path.join(root, 'templates', 'cross-sell-promotion'),
    seed: 'missive-simulation',
  });
  const { catalog } = learning;
  const weekSeconds: number[] = [];
  const start = performance.now();
  const result = await simulate(
    customers,
    { catalog, weeks: WEEKS, keepLogs: true },
    timedWeeks(learning.path, weekSeconds),
  ).finally(() => learning.close());
  const seconds = (performance.now() - start) / 1000;
  const offline = checkOfflineEvaluation(result, { catalog, model: result.finalModel });
  console.log(
    `\nsimulate: ${customers.length} customers, ${WEEKS} weeks, ${seconds.toFixed(1)} s (seconds per week: ${weekSeconds.map((s) => s.toFixed(1)).join(', ')})`,
  );
  console.log(simulationTable(result));
  console.log(sendPathLine(result));
  const e = offline.estimate;
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  console.log(
    `offline evaluation of the final learned model on the static policy's logs: IPS ${pct(e.ips.mean)} [${pct(e.ips.low)}, ${pct(e.ips.high)}], SNIPS ${pct(e.snips.mean)} [${pct(e.snips.low)}, ${pct(e.snips.high)}]; ground truth ${pct(offline.truth)}`,
  );
  const out = path.join(root, 'bench', 'out');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'simulation.json'),
    `${JSON.stringify({ ...simulationJson(result), seconds, weekSeconds, offline }, null, 2)}\n`,
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

/** The learning path with each week timed: its run (render, dispatch), the tally and the responses. */
function timedWeeks(path: LearningPath, seconds: number[]): LearningPath {
  let weekStart = 0;
  const lap = () => {
    if (weekStart > 0) seconds.push((performance.now() - weekStart) / 1000);
    weekStart = performance.now();
  };
  return {
    prepare: path.prepare,
    send: (week, customers) => {
      lap();
      return path.send(week, customers);
    },
    respond: path.respond,
    model: () => {
      lap();
      return path.model();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await benchSimulate());
