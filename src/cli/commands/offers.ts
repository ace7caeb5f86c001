import type { Command } from 'commander';
import { parseAsOf } from '../../core/as-of.ts';
import {
  describeIssue,
  errorsOf,
  issuesError,
  lintCatalogDir,
  publishCatalogDir,
  type RealityChecked,
} from '../../rules/index.ts';
import { listCatalogVersions } from '../../store/index.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerOffersCommands(program: Command): void {
  const offers = program.command('offers').description('Offer catalogs: check, publish, list');
  offers
    .command('lint')
    .description(
      'Check a catalog folder: schema, json-logic operators, variables, types, rules never true on the sample; its traits and segments against the sample and the stored customers',
    )
    .argument('<dir>', 'catalog folder, e.g. catalogs/bank')
    .option(
      '--as-of <date>',
      'date the sample customers are tried at (default: last day of the previous month)',
    )
    .action(async (dir: string, opts: { asOf?: string }) => {
      await withRuntime(async (rt) => {
        const { catalog, issues, checked } = await lintCatalogDir(dir, parseAsOf(opts.asOf), {
          db: rt.store.db,
        });
        for (const issue of issues) process.stdout.write(`${describeIssue(issue)}\n`);
        const errors = errorsOf(issues);
        if (errors.length > 0) throw issuesError(errors);
        const warnings = issues.length - errors.length;
        process.stdout.write(
          `${catalog!.name}: ${catalog!.offers.length} offers, ${Object.keys(catalog!.communicationTypes).length} communication types — ${warnings > 0 ? `no errors, ${warnings} warning(s)` : 'no problems'} (${describeChecked(checked)})\n`,
        );
      });
    });
  offers
    .command('publish')
    .description(
      'Validate a catalog folder (as lint: against the sample and the stored customers) and publish it as an immutable, content-addressed version',
    )
    .argument('<dir>', 'catalog folder, e.g. catalogs/bank')
    .option(
      '--as-of <date>',
      'date the sample customers are tried at (default: last day of the previous month)',
    )
    .action(async (dir: string, opts: { asOf?: string }) => {
      await withRuntime(async (rt) => {
        const result = await publishCatalogDir(rt.store.db, dir, parseAsOf(opts.asOf));
        for (const warning of result.warnings) process.stdout.write(`${describeIssue(warning)}\n`);
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

/** "sample: 200 customers, stored: 7,043 customers" — what the traits were checked against. */
function describeChecked(checked: RealityChecked | undefined): string {
  if (!checked) return 'no customers checked';
  const n = (v: number) => v.toLocaleString('en-GB');
  const stored =
    checked.stored === undefined || checked.stored === 0
      ? 'no stored customers (import them to check the traits against them)'
      : `${n(checked.stored)} stored customers`;
  return `checked against ${n(checked.sample)} sample customers and ${stored}`;
}
