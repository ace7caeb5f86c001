import path from 'node:path';
import type { Command } from 'commander';
import { lastDayOfPreviousMonth } from '../../core/dates.ts';
import { requireDataContract } from '../../render/data-contract.ts';
import { lintTemplatePackage } from '../../render/lint-render.ts';
import { compileTemplateAsync } from '../../templates/compile.ts';
import { loadTemplatePackage } from '../../templates/package-loader.ts';
import { publishTemplatePackage } from '../../templates/publish.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerTemplatesCommands(program: Command): void {
  const templates = program
    .command('templates')
    .description('Template packages: validate and publish versions');
  templates
    .command('lint')
    .description('Check template package folders: schema, layout, strict variables, sample renders, glyphs')
    .argument('<dirs...>', 'template package folders')
    .action(async (dirs: string[]) => {
      let errors = 0;
      for (const dir of dirs) {
        const report = await lintTemplatePackage(dir);
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
        const p = await publishTemplatePackage(rt.store.db, dir);
        const state = p.created ? 'published' : 'already published';
        process.stdout.write(`${state}: ${p.name} version ${p.version} (${p.id}, sha256 ${p.sha256})\n`);
      });
    });
}
