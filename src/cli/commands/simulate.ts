import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MissiveError } from '../../core/errors.ts';
import { defaultBankData, loadSimCustomers } from '../../feedback/simulation/bank-customers.ts';
import { simulationJson, simulationSvg, simulationTable } from '../../feedback/simulation/plot.ts';
import { simulate } from '../../feedback/simulation/simulate.ts';
import { loadCatalogDirOrThrow } from '../../rules/catalog-loader.ts';
import { compileCatalog } from '../../rules/compile.ts';
import { PROJECT_ROOT, SHIPPED } from '../project-paths.ts';

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

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Replay the bank-marketing data as weekly campaigns: learning model vs static priors vs random vs oracle (in memory)',
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
      const catalog = compileCatalog(await loadCatalogDirOrThrow(path.resolve(opts.catalog)));
      const result = simulate(customers, { catalog, weeks, seed: opts.seed, ...(sample ? { sample } : {}) });
      process.stdout.write(simulationTable(result));
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
