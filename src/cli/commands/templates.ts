import path from 'node:path';
import type { Command } from 'commander';
import { lastDayOfPreviousMonth } from '../../core/dates.ts';
import { isMissiveError } from '../../core/errors.ts';
import { lintTemplatePackage, requireDataContract } from '../../render/heavy.ts';
import { type Catalog, loadCatalogDirOrThrow, loadPublishedCatalog } from '../../rules/index.ts';
import { compileTemplateAsync, publishTemplatePackage } from '../../templates/heavy.ts';
import {
  loadBrandByName,
  loadTemplatePackage,
  missingOfferImages,
  requireOfferImages,
} from '../../templates/index.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerTemplatesCommands(program: Command): void {
  const templates = program
    .command('templates')
    .description('Template packages: validate and publish versions');
  templates
    .command('lint')
    .description('Check template package folders: schema, layout, strict variables, sample renders, glyphs')
    .argument('<dirs...>', 'template package folders')
    .option(
      '--catalog <dir>',
      "also check that every offer image of this catalog folder is in the package, and render in the catalog's brand",
    )
    .option(
      '--brand <name>',
      "render the samples in this brand (default: the catalog's, else MISSIVE_DEFAULT_BRAND)",
    )
    .action(async (dirs: string[], opts: { catalog?: string; brand?: string }) => {
      let errors = 0;
      const catalog = opts.catalog ? await loadCatalogDirOrThrow(path.resolve(opts.catalog)) : undefined;
      const brandName = opts.brand ?? catalog?.brand;
      const brand = brandName ? await loadBrandByName(brandName) : undefined;
      for (const dir of dirs) {
        const report = await lintTemplatePackage(dir, brand);
        if (catalog) {
          for (const p of missingOfferImages(catalog, await loadTemplatePackage(path.resolve(dir))))
            report.issues.push({
              severity: 'error',
              message: `${p.path}: ${p.message}`,
              code: 'MSV_TEMPLATE_IMAGE_INVALID',
            });
        }
        const e = report.issues.filter((i) => i.severity === 'error').length;
        errors += e;
        process.stdout.write(
          `${report.name}: ${e} error(s), ${report.issues.length - e} warning(s), ${report.rendered} sample render(s)\n`,
        );
        for (const i of report.issues) {
          const where = [i.locale, i.channel].filter(Boolean).join(' ');
          process.stdout.write(`  ${i.severity}${where ? ` [${where}]` : ''}: ${i.message}\n`);
        }
      }
      if (errors > 0) process.exitCode = 1;
    });
  templates
    .command('publish')
    .description('Validate a template package folder and publish it as an immutable version')
    .argument('<dir>', 'template package folder, e.g. templates/monthly-statement')
    .action(async (dir: string) => {
      await withRuntime(async (rt) => {
        // A version whose data source cannot feed it is refused here, not at the first run.
        const pkg = await loadTemplatePackage(path.resolve(dir));
        const compiled = await compileTemplateAsync(pkg);
        await requireDataContract(
          compiled,
          rt.config.datasourcesDir,
          pkg.name,
          lastDayOfPreviousMonth(new Date()),
        );
        // Every offer image of the published catalog must be in the package (images/offers/).
        const catalog = await publishedCatalog(rt.store.db);
        if (catalog) requireOfferImages(catalog, pkg);
        const p = await publishTemplatePackage(rt.store.db, dir);
        const state = p.created ? 'published' : 'already published';
        process.stdout.write(`${state}: ${p.name} version ${p.version} (${p.id}, sha256 ${p.sha256})\n`);
      });
    });
}

async function publishedCatalog(
  db: Parameters<typeof loadPublishedCatalog>[0],
): Promise<Catalog | undefined> {
  try {
    return (await loadPublishedCatalog(db)).catalog;
  } catch (err) {
    if (isMissiveError(err) && err.code === 'MSV_RULES_NOT_PUBLISHED') return undefined;
    throw err;
  }
}
