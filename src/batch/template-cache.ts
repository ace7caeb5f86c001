import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { TemplateSource } from '../render/index.ts';
import { type Database, getTemplateVersion } from '../store/index.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../templates/heavy.ts';
import { templatePackageFromFiles } from '../templates/index.ts';

/** Published template versions, compiled once per process: versions are immutable, so never stale. */
export interface TemplateCache {
  get(versionId: string): Promise<CompiledTemplate>;
  /** The version's files, for a render thread that compiles it itself (src/render/guard). */
  source(versionId: string): Promise<TemplateSource>;
}

/**
 * Template sources and compiled templates by version id, loaded once per process (a failed load is tried
 * again next time).
 */
export function createTemplateCache(db: Kysely<Database>): TemplateCache {
  const compiled = new Map<string, Promise<CompiledTemplate>>();
  const sources = new Map<string, Promise<TemplateSource>>();
  return {
    source(versionId) {
      let entry = sources.get(versionId);
      if (!entry) {
        entry = loadSource(db, versionId);
        entry.catch(() => sources.delete(versionId));
        sources.set(versionId, entry);
      }
      return entry;
    },
    get(versionId) {
      let entry = compiled.get(versionId);
      if (!entry) {
        entry = load(db, versionId);
        entry.catch(() => compiled.delete(versionId));
        compiled.set(versionId, entry);
      }
      return entry;
    },
  };
}

async function loadSource(db: Kysely<Database>, versionId: string): Promise<TemplateSource> {
  const version = await getTemplateVersion(db, versionId);
  if (!version) throw new MissiveError('MSV_TEMPLATE_NOT_FOUND', `no template version ${versionId}`);
  return { versionId, name: version.templateName, files: version.files };
}

async function load(db: Kysely<Database>, versionId: string): Promise<CompiledTemplate> {
  const version = await getTemplateVersion(db, versionId);
  if (!version) throw new MissiveError('MSV_TEMPLATE_NOT_FOUND', `no template version ${versionId}`);
  return compileTemplateAsync(templatePackageFromFiles(version.templateName, version.files));
}
