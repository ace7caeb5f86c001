import type { Command } from 'commander';
import { describeIssue, issuesError } from '../../rules/issues.ts';
import { lintCatalogDir, publishCatalogDir } from '../../rules/publish.ts';
import { listCatalogVersions } from '../../store/offers.ts';
import { withRuntime } from '../with-runtime.ts';
import { parseAsOf } from './run.ts';

export function registerOffersCommands(program: Command): void {
  const offers = program.command('offers').description('Offer catalogs: check, publish, list');
  offers
    .command('lint')
    .description(
      'Check a catalog folder: schema, json-logic operators, variables, types, rules never true on the sample',
    )
    .argument('<dir>', 'catalog folder, e.g. catalogs/bank')
    .option(
      '--as-of <date>',
      'date the sample customers are tried at (default: last day of the previous month)',
    )
    .action(async (dir: string, opts: { asOf?: string }) => {
      const { catalog, issues } = await lintCatalogDir(dir, parseAsOf(opts.asOf));
      for (const issue of issues) process.stdout.write(`${describeIssue(issue)}\n`);
      if (issues.length > 0) throw issuesError(issues);
      process.stdout.write(
        `${catalog!.name}: ${catalog!.offers.length} offers, ${Object.keys(catalog!.communicationTypes).length} communication types — no problems\n`,
      );
    });
  offers
    .command('publish')
    .description('Validate a catalog folder and publish it as an immutable, content-addressed version')
    .argument('<dir>', 'catalog folder, e.g. catalogs/bank')
    .option(
      '--as-of <date>',
      'date the sample customers are tried at (default: last day of the previous month)',
    )
    .action(async (dir: string, opts: { asOf?: string }) => {
      await withRuntime(async (rt) => {
        const result = await publishCatalogDir(rt.store.db, dir, parseAsOf(opts.asOf));
        const v = result.catalogVersion;
        const changed = result.changedOffers.map((o) => `${o.id} v${o.version}`).join(', ');
        process.stdout.write(
          result.created
            ? `published ${v.id} (version ${v.version})${changed ? `; new offer versions: ${changed}` : ''}\n`
            : `unchanged: ${v.id} (version ${v.version}) is already published\n`,
        );
      });
    });
  offers
    .command('list')
    .description('Published catalog versions, newest first')
    .action(async () => {
      await withRuntime(async (rt) => {
        const versions = await listCatalogVersions(rt.store.db);
        if (versions.length === 0)
          process.stdout.write('no catalog published yet (missive offers publish DIR)\n');
        for (const v of versions)
          process.stdout.write(`${v.id}  ${v.name} v${v.version}  published ${v.publishedAt}\n`);
      });
    });
}
