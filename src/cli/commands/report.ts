import type { Command } from 'commander';
import { campaignReport } from '../../feedback/index.ts';
import { loadModel, loadPublishedCatalog } from '../../rules/index.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('Reports on campaigns and the model');
  report
    .command('campaign')
    .description(
      'Model validation report of a run (JSON): response per offer and segment with 95 % intervals, lift vs holdout, contradictions of the prior, ranking changes',
    )
    .argument('<run>', 'run id')
    .option('--catalog <name>', 'published catalog (default: the latest)')
    .action(async (runId: string, opts: { catalog?: string }) => {
      await withRuntime(async (rt) => {
        const catalog = await loadPublishedCatalog(rt.store.db, opts.catalog);
        const result = await campaignReport(rt.store.db, runId, catalog, await loadModel(rt.store.db));
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      });
    });
}
