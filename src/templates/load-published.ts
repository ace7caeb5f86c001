import type { Kysely } from 'kysely';
import { didYouMean } from '../core/did-you-mean.ts';
import { MissiveError } from '../core/errors.ts';
import {
  type Database,
  getLatestTemplateVersion,
  getTemplateVersion,
  listPublishedTemplateNames,
} from '../store/index.ts';
import { type CompiledTemplate, compileTemplateAsync } from './compile.ts';
import { templatePackageFromFiles } from './package-loader.ts';

export interface LoadedTemplate {
  template: CompiledTemplate;
  /** The version's package files by relative path (sample-data.json among them, when shipped). */
  files: Record<string, string>;
  /** The version id, name@hash. */
  versionId: string;
}

/**
 * A published template by name (its latest version) or by version id `name@hash`, compiled with
 * every channel (email included). MSV_TEMPLATE_NOT_FOUND when the store has neither.
 */
export async function loadPublishedTemplate(db: Kysely<Database>, ref: string): Promise<LoadedTemplate> {
  const version = ref.includes('@')
    ? await getTemplateVersion(db, ref)
    : await getLatestTemplateVersion(db, ref);
  if (!version) {
    const name = ref.split('@')[0]!;
    const known = await listPublishedTemplateNames(db);
    const guess = didYouMean(name, known);
    const published = known.length > 0 ? ` Published: ${known.join(', ')}.` : ' None is published yet.';
    throw new MissiveError(
      'MSV_TEMPLATE_NOT_FOUND',
      `no published template "${ref}".${published}${guess ? ` Did you mean ${guess}?` : ''}`,
      { template: ref, usage: true },
    );
  }
  return {
    template: await compileTemplateAsync(templatePackageFromFiles(version.templateName, version.files)),
    files: version.files,
    versionId: version.id,
  };
}
