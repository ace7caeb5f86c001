import type { Command } from 'commander';
import { parseSuccessRules, syncModel } from '../../feedback/index.ts';
import { loadModelStats } from '../../store/index.ts';
import { withRuntime } from '../with-runtime.ts';
import { registerModelEvaluateCommand } from './model-evaluate.ts';

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('The response model the rules rank offers with');
  model
    .command('update')
    .description('Count exposures of sent communications and successes of recorded events (idempotent)')
    .option('--run <id>', 'only the exposures of this run')
    .option('--json', 'print JSON')
    .action(async (opts: { run?: string; json?: boolean }) => {
      await withRuntime(async (rt) => {
        const result = await syncModel(rt.store.db, parseSuccessRules(rt.config.successEvents), {
          ...(opts.run ? { runId: opts.run } : {}),
        });
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `${result.exposures} new exposure(s), ${result.successes} new success(es); model ${result.modelVersion}\n`,
        );
      });
    });
  model
    .command('stats')
    .description('Print exposures and successes per offer and segment')
    .action(async () => {
      await withRuntime(async (rt) => {
        process.stdout.write(`${JSON.stringify(await loadModelStats(rt.store.db), null, 2)}\n`);
      });
    });
  registerModelEvaluateCommand(model);
}
