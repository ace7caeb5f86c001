import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import { lastDayOfPreviousMonth } from '../core/dates.ts';
import { MissiveError } from '../core/errors.ts';
import { listDataSources } from '../customers/index.ts';
import { requireDataContract } from '../render/heavy.ts';
import {
  appendAudit,
  type Database,
  type DraftRecord,
  getLatestTemplateVersion,
  insertDraft,
  listDrafts,
} from '../store/index.ts';
import { compileTemplateAsync } from '../templates/heavy.ts';
import { templatePackageFromFiles } from '../templates/index.ts';
import { listTemplatePackages } from './template-packages.ts';
import { newDraftId, type StudioActor } from './workflow.ts';

/**
 * The gallery of "New template": starter packages kept with the product (templates/_starters/<id>/,
 * each a valid template package in en-GB and zh-CN). A new template is a draft of the starter's files
 * under the name the marketer chose, reading the data contract chosen from the data sources (the
 * manifest's `dataSource`) or the customer record; it goes through the same draft → submit → approve
 * flow as an edit of a published template (issue 21 item 4).
 */
export const STARTERS = ['letter', 'statement', 'bill', 'brochure', 'email', 'sms'] as const;
export type StarterId = (typeof STARTERS)[number];

/** templates/_starters beside the shipped data sources (the installation folder). */
export const STARTERS_DIR = path.join(path.dirname(SHIPPED_DATASOURCES_DIR), 'templates', '_starters');

/** A template name: the slug rules of a manifest's name, a few characters more than a letter. */
const NAME = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

export interface Starter {
  id: StarterId;
  channels: string[];
  /** The data source the starter is written for (statement, bill); none: any (the customer record). */
  dataSource: string | undefined;
}

function isStarter(value: string): value is StarterId {
  return (STARTERS as readonly string[]).includes(value);
}

/** Every text file of a starter, by relative POSIX path (what a draft holds). */
async function starterFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full).split(path.sep).join('/')] = await fs.readFile(full, 'utf8');
  }
  return files;
}

/** The starters in the gallery's order, each with its channels and the data source it is written for. */
export async function listStarters(dir: string = STARTERS_DIR): Promise<Starter[]> {
  const out: Starter[] = [];
  for (const id of STARTERS) {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, id, 'manifest.json'), 'utf8')) as {
      channels: string[];
      dataSource?: string;
    };
    out.push({ id, channels: manifest.channels, dataSource: manifest.dataSource });
  }
  return out;
}

export interface NewTemplateRequest {
  starter: string;
  name: string;
  /** A data source (datasources/<name>/), or '' for the customer record. */
  dataSource: string;
}

export interface NewTemplateDirs {
  startersDir?: string;
  templatesDir: string;
  datasourcesDir?: string | undefined;
}

function bad(field: string, message: string): MissiveError {
  return new MissiveError('MSV_API_BAD_REQUEST', `${field}: ${message}`, { field });
}

/** The name is a slug no template, package or open new-template draft already has. */
async function requireFreeName(db: Kysely<Database>, name: string, templatesDir: string): Promise<void> {
  if (!NAME.test(name)) {
    throw bad(
      'name',
      'use 3 to 64 lower-case letters, digits and dashes, starting and ending with a letter or digit',
    );
  }
  if (name.startsWith('starter') || isStarter(name)) throw bad('name', `"${name}" is the name of a starter`);
  if ((await getLatestTemplateVersion(db, name)) || listTemplatePackages(templatesDir).includes(name))
    throw bad('name', `a template named "${name}" already exists; choose another name`);
  const open = (await listDrafts(db)).find(
    (d) => d.templateName === name && (d.status === 'draft' || d.status === 'submitted'),
  );
  if (open) throw bad('name', `draft ${open.id} is already making a template named "${name}"`);
}

/**
 * A draft of a new template from a starter: named `name`, reading `dataSource` (or the customer
 * record), checked against that data contract before anything is stored.
 * @throws MissiveError MSV_API_BAD_REQUEST naming the field (starter, name, dataSource), or
 *   MSV_DATA_CONTRACT naming the fields the chosen data source does not produce.
 * @example createDraftFromStarter(db, who, { starter: 'letter', name: 'spring-letter', dataSource: '' }, dirs)
 */
export async function createDraftFromStarter(
  db: Kysely<Database>,
  who: StudioActor,
  request: NewTemplateRequest,
  dirs: NewTemplateDirs,
): Promise<DraftRecord> {
  const { starter, name, dataSource } = request;
  if (!isStarter(starter)) throw bad('starter', `one of ${STARTERS.join(', ')}`);
  await requireFreeName(db, name, dirs.templatesDir);
  const datasourcesDir = dirs.datasourcesDir ?? SHIPPED_DATASOURCES_DIR;
  if (dataSource !== '' && !(await listDataSources(datasourcesDir)).includes(dataSource))
    throw bad('dataSource', `no data source "${dataSource}"; choose one of the list or the customer record`);

  const files = await starterFiles(path.join(dirs.startersDir ?? STARTERS_DIR, starter));
  const manifest = JSON.parse(files['manifest.json'] ?? '{}') as Record<string, unknown>;
  const { dataSource: _written, dataSchema, ...rest } = manifest;
  const description = String(rest.description ?? '').replace(/ \(starter\)\.?$/, '.');
  files['manifest.json'] = `${JSON.stringify(
    { ...rest, name, description, ...(dataSource ? { dataSource } : {}), dataSchema },
    null,
    2,
  )}\n`;
  // The same check as at submit: what the layout reads must be what the data contract produces.
  const template = await compileTemplateAsync(templatePackageFromFiles(name, files));
  await requireDataContract(template, datasourcesDir, name, lastDayOfPreviousMonth(new Date()));

  const draft = await insertDraft(db, {
    id: newDraftId(),
    templateName: name,
    baseVersionId: null,
    files,
    createdBy: who.user,
  });
  await appendAudit(db, {
    actor: who.actor,
    action: 'studio.draft.create',
    targetType: 'studio_draft',
    targetId: draft.id,
    details: {
      template: name,
      starter,
      dataSource: dataSource || 'customer-record',
      ...(who.ip ? { ip: who.ip } : {}),
    },
  });
  return draft;
}
