import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import { type Database, getTemplateVersion } from '../store/index.ts';
import { requireDraft } from './workflow.ts';

/** What the diff compares: a published version (`name@hash`) or a draft (`draft:drf_…`). */
export interface FileSet {
  ref: string;
  templateName: string;
  files: Record<string, string>;
}

/**
 * The files of `draft:<id>` or of a template version id.
 * @throws MissiveError MSV_STUDIO_DRAFT_NOT_FOUND or MSV_TEMPLATE_NOT_FOUND.
 */
export async function resolveFileSet(db: Kysely<Database>, ref: string): Promise<FileSet> {
  if (ref.startsWith('draft:')) {
    const draft = await requireDraft(db, ref.slice('draft:'.length));
    return { ref, templateName: draft.templateName, files: draft.files };
  }
  const version = await getTemplateVersion(db, ref);
  if (!version)
    throw new MissiveError('MSV_TEMPLATE_NOT_FOUND', `no template version "${ref}"`, { template: ref });
  return { ref, templateName: version.templateName, files: version.files };
}
