import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MissiveError } from '../../core/errors.ts';
import {
  defaultBankData,
  loadSimCustomers,
  type SimulationResult,
  simulate,
  simulationJson,
  simulationSvg,
  simulationTable,
} from '../../feedback/index.ts';
import { PROJECT_ROOT, SHIPPED } from '../project-paths.ts';
import { openStoreLearningPath } from '../simulation-path.ts';

interface SimulateOptions {
  weeks: string;
  sample?: string;
  data: string;
  mapping: string;
  catalog: string;
  out?: string;
  seed: string;
}

const positive = (flag: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new MissiveError('MSV_CONFIG_INVALID', `${flag} must be a positive integer, got "${value}"`, {
      field: flag,
    });
  }
  return n;
};

/** How the learning policy's messages and answers went: through runs, sends and tracked links. */
export function sendPathLine(result: SimulationResult): string {
  const { sent, followed } = result.sendPath;
  return `learning: ${sent} messages sent by weekly runs of a temporary store; ${followed} responses went through their tracked links (/t/<code>, open pixels loaded) into model_stats (${result.finalModel.version})`;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Replay the bank-marketing data as weekly campaigns: the learning model (real runs, sends and tracked responses in a temporary store) vs static priors vs random vs oracle',
    )
    .option('--weeks <n>', 'weekly campaigns', '10')
    .option('--sample <n>', 'customers to use (default: all)')
    .option('--data <file>', 'bank-full.csv', defaultBankData(PROJECT_ROOT))
    .option('--mapping <file>', 'column mapping', SHIPPED.bankMapping)
    .option('--catalog <dir>', 'offer catalog', SHIPPED.bankCatalog)
    .option('--seed <text>', 'seed of the shuffle and the synthetic responses', 'missive-simulation')
    .option('--out <dir>', 'write simulation.json and simulation.svg here')
    .action(async (opts: SimulateOptions) => {
      const weeks = positive('--weeks', opts.weeks);
      const sample = opts.sample === undefined ? undefined : positive('--sample', opts.sample);
      const customers = await loadSimCustomers(path.resolve(opts.data), path.resolve(opts.mapping));
      const learning = await openStoreLearningPath({
        catalogDir: path.resolve(opts.catalog),
        templateDir: SHIPPED.crossSellTemplate,
        seed: opts.seed,
      });
      const result = await simulate(
        customers,
        { catalog: learning.catalog, weeks, seed: opts.seed, ...(sample ? { sample } : {}) },
        learning.path,
      ).finally(() => learning.close());
      process.stdout.write(simulationTable(result));
      process.stdout.write(`${sendPathLine(result)}\n`);
      if (opts.out) {
        const dir = path.resolve(opts.out);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, 'simulation.json'),
          `${JSON.stringify(simulationJson(result), null, 2)}\n`,
        );
        fs.writeFileSync(path.join(dir, 'simulation.svg'), simulationSvg(result));
        process.stdout.write(`wrote ${path.join(dir, 'simulation.json')} and simulation.svg\n`);
      }
    });
}
