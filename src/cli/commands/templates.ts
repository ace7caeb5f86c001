import path from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { saveTemplateVersion } from '../../store/templates.ts';
import { compileTemplate } from '../../templates/compile.ts';
import { loadTemplatePackage } from '../../templates/package-loader.ts';
import { withRuntime } from '../with-runtime.ts';

export interface PublishedTemplate {
  id: string;
  name: string;
  version: number;
  sha256: string;
}

/**
 * Validates a template package by compiling it, then stores it as an immutable, content-hashed
 * version. Publishing unchanged files again returns the existing version.
 */
export async function publishTemplatePackage(db: Kysely<Database>, dir: string): Promise<PublishedTemplate> {
  const pkg = await loadTemplatePackage(path.resolve(dir));
  compileTemplate(pkg);
  const { templateVersion: version } = await saveTemplateVersion(db, {
    name: pkg.name,
    description: pkg.manifest.description,
    sha256: pkg.sha256,
    files: pkg.files,
  });
  return { id: version.id, name: pkg.name, version: version.version, sha256: pkg.sha256 };
}

export function registerTemplatesCommands(program: Command): void {
  const templates = program.command('templates').description('Template packages: validate and publish versions');
  templates
    .command('publish')
    .description('Validate a template package folder and publish it as an immutable version')
    .argument('<dir>', 'template package folder, e.g. templates/monthly-statement')
    .action(async (dir: string) => {
      await withRuntime(async (rt) => {
        const published = await publishTemplatePackage(rt.store.db, dir);
        process.stdout.write(
          `published ${published.name} version ${published.version} (${published.id}, sha256 ${published.sha256})\n`,
        );
      });
    });
}
