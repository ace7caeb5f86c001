import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import { type Catalog, type CatalogTypes, type RunType, resolveRunType } from '../rules/index.ts';
import {
  type Database,
  getLatestCatalogVersion,
  getLatestTemplateVersion,
  getTemplateVersion,
  listPublishedTemplateNames,
  type TemplateVersionRecord,
} from '../store/index.ts';

/** What a run of a communication type renders, found before the run is created. */
export interface ResolvedRun {
  runType: RunType;
  templateVersion: TemplateVersionRecord;
  /** Channels the type may choose that its template cannot make (those customers get print). */
  missingChannels: ChannelKind[];
}

/**
 * `missive run <type>` and `POST /api/runs`: the type in the published catalog (or a service
 * document of that name, see src/rules/run-type.ts) and the published version of its template —
 * the latest, or `templateVersion` when pinned (it must be a version of the type's template).
 * Throws MSV_RULES_UNKNOWN_TYPE or MSV_TEMPLATE_NOT_FOUND.
 */
export async function resolveRun(
  db: Kysely<Database>,
  name: string,
  options: { templateVersion?: string | undefined } = {},
): Promise<ResolvedRun> {
  const [catalog, templates] = await Promise.all([publishedCatalogTypes(db), listPublishedTemplateNames(db)]);
  const runType = resolveRunType(name, catalog, templates);
  const pinned = options.templateVersion;
  const version = pinned
    ? await getTemplateVersion(db, pinned)
    : await getLatestTemplateVersion(db, runType.template);
  if (!version || version.templateName !== runType.template) {
    const renders = runType.template === name ? '' : `${name} renders template ${runType.template}: `;
    throw new MissiveError(
      'MSV_TEMPLATE_NOT_FOUND',
      `${renders}no published version of "${runType.template}"${pinned ? ` with id ${pinned}` : ''}; publish one with: missive templates publish templates/${runType.template}`,
      { field: 'type' },
    );
  }
  const made = manifestChannels(version);
  const wanted = runType.kind === 'catalog' ? runType.channels : [];
  return { runType, templateVersion: version, missingChannels: wanted.filter((c) => !made.includes(c)) };
}

async function publishedCatalogTypes(db: Kysely<Database>): Promise<CatalogTypes | undefined> {
  const record = await getLatestCatalogVersion(db);
  if (!record) return undefined;
  const definition = record.definition as unknown as Pick<Catalog, 'communicationTypes'>;
  return { name: record.name, communicationTypes: definition.communicationTypes };
}

function manifestChannels(version: TemplateVersionRecord): ChannelKind[] {
  try {
    const manifest = JSON.parse(version.files['manifest.json'] ?? '{}') as { channels?: ChannelKind[] };
    return manifest.channels ?? [];
  } catch {
    return [];
  }
}
