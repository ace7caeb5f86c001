import path from 'node:path';
import type { Command } from 'commander';
import { MissiveError } from '../../core/errors.ts';
import { evaluatePolicy } from '../../feedback/index.ts';
import { compileCatalog, loadCatalogDirOrThrow, loadModel, PRIOR_ONLY } from '../../rules/index.ts';
import { withRuntime } from '../with-runtime.ts';

interface EvaluateOptions {
  run?: string[];
  type?: string;
  model: string;
  json?: boolean;
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

export function registerModelEvaluateCommand(model: Command): void {
  model
    .command('evaluate')
    .description(
      'Estimate offline (IPS and SNIPS, 95 % intervals) how a ranking policy — a catalog directory with new priors or segments — would have done on the logged decisions and outcomes',
    )
    .argument('<catalog-dir>', 'the policy: an offer catalog directory')
    .option('--run <id...>', 'only these runs (default: every run)')
    .option('--type <type>', 'only this communication type')
    .option('--model <which>', '"current" (the learned statistics) or "prior" (priors only)', 'current')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: EvaluateOptions) => {
      if (opts.model !== 'current' && opts.model !== 'prior') {
        throw new MissiveError(
          'MSV_CONFIG_INVALID',
          `--model must be "current" or "prior", got "${opts.model}"`,
          { field: '--model' },
        );
      }
      const catalog = compileCatalog(await loadCatalogDirOrThrow(path.resolve(dir)));
      await withRuntime(async (rt) => {
        const result = await evaluatePolicy(
          rt.store.db,
          { catalog, model: opts.model === 'prior' ? PRIOR_ONLY : await loadModel(rt.store.db) },
          {
            ...(opts.run ? { runIds: opts.run } : {}),
            ...(opts.type ? { communicationType: opts.type } : {}),
          },
        );
        if (result.samples === 0) {
          throw new MissiveError(
            'MSV_FEEDBACK_NO_LOGS',
            'no logged decisions of sent, treated communications with an offer (run a campaign, then `missive model update`)',
          );
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${[
            `${result.samples} logged decision(s) from ${result.runs.length} run(s); the policy agrees on ${result.matched} (effective sample ${result.effectiveSamples.toFixed(0)})`,
            `logged policy:    ${pct(result.logged.mean)}  [${pct(result.logged.low)}, ${pct(result.logged.high)}]`,
            `evaluated, IPS:   ${pct(result.ips.mean)}  [${pct(result.ips.low)}, ${pct(result.ips.high)}]`,
            `evaluated, SNIPS: ${pct(result.snips.mean)}  [${pct(result.snips.low)}, ${pct(result.snips.high)}]`,
          ].join('\n')}\n`,
        );
      });
    });
}
