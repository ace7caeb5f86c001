import type { Command } from 'commander';
import { publishTemplatePackage } from '../../templates/publish.ts';
import { withRuntime } from '../with-runtime.ts';

export function registerTemplatesCommands(program: Command): void {
  const templates = program
    .command('templates')
    .description('Template packages: validate and publish versions');
  templates
    .command('publish')
    .description('Validate a template package folder and publish it as an immutable version')
    .argument('<dir>', 'template package folder, e.g. templates/monthly-statement')
    .action(async (dir: string) => {
      await withRuntime(async (rt) => {
        const p = await publishTemplatePackage(rt.store.db, dir);
        const state = p.created ? 'published' : 'already published';
        process.stdout.write(`${state}: ${p.name} version ${p.version} (${p.id}, sha256 ${p.sha256})\n`);
      });
    });
}
