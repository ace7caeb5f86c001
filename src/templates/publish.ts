import path from 'node:path';
import type { Kysely } from 'kysely';
import { type Database, saveTemplateVersion } from '../store/index.ts';
import { compileTemplateAsync } from './compile.ts';
import { loadTemplatePackage, templatePackageFromFiles } from './package-loader.ts';
import type { TemplatePackage } from './types.ts';

export interface PublishedTemplate {
  id: string;
  name: string;
  version: number;
  sha256: string;
  /** False when these exact files were published before: the existing version is returned. */
  created: boolean;
}

/**
 * Validates a template package by compiling it, then stores it as an immutable, content-hashed
 * version. Publishing unchanged files again returns the existing version.
 */
export async function publishTemplatePackage(db: Kysely<Database>, dir: string): Promise<PublishedTemplate> {
  return publishLoadedPackage(db, await loadTemplatePackage(path.resolve(dir)));
}

/** The same for files held in memory (a studio draft), recording who published them. */
export async function publishTemplateFiles(
  db: Kysely<Database>,
  name: string,
  files: Readonly<Record<string, string>>,
  publishedBy?: string,
): Promise<PublishedTemplate> {
  return publishLoadedPackage(db, templatePackageFromFiles(name, files), publishedBy);
}

async function publishLoadedPackage(
  db: Kysely<Database>,
  pkg: TemplatePackage,
  publishedBy?: string,
): Promise<PublishedTemplate> {
  await compileTemplateAsync(pkg);
  const { templateVersion, created } = await saveTemplateVersion(db, {
    name: pkg.name,
    description: pkg.manifest.description,
    sha256: pkg.sha256,
    files: pkg.files,
    publishedBy: publishedBy ?? null,
  });
  return {
    id: templateVersion.id,
    name: pkg.name,
    version: templateVersion.version,
    sha256: pkg.sha256,
    created,
  };
}
