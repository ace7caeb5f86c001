import type { Kysely, Selectable } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database, TemplateVersionsTable } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** A published template package: immutable, identified by the sha256 of its content. */
export interface TemplateVersionRecord {
  id: string;
  templateName: string;
  version: number;
  sha256: string;
  /** Package files by relative path. */
  files: Record<string, string>;
  status: 'draft' | 'published';
  publishedAt: string | null;
  publishedBy: string | null;
  createdAt: string;
}

export interface TemplatePublication {
  name: string;
  description: string;
  /** sha256 of the package content, computed by src/templates. */
  sha256: string;
  files: Record<string, string>;
  publishedBy?: string | null;
}

/** Content-addressed: a version's id is the template name and a prefix of its sha256. */
export function templateVersionId(name: string, sha256: string): string {
  return `${name}@${sha256.slice(0, 12)}`;
}

/**
 * Publishes a package. Publishing the same content again returns the existing version
 * (`created: false`); new content becomes version max+1. Concurrent publishers on PostgreSQL
 * collide on the unique (name, version) or (name, sha256) index and retry.
 */
export async function saveTemplateVersion(
  db: Kysely<Database>,
  publication: TemplatePublication,
): Promise<{ templateVersion: TemplateVersionRecord; created: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, (trx) => publishOnce(trx, publication));
    } catch (error) {
      if (db.isTransaction || attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function publishOnce(
  db: Kysely<Database>,
  p: TemplatePublication,
): Promise<{ templateVersion: TemplateVersionRecord; created: boolean }> {
  const now = nowIso();
  await db
    .insertInto('templates')
    .values({ name: p.name, description: p.description, created_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ description: p.description }))
    .execute();
  const existing = await db
    .selectFrom('template_versions')
    .selectAll()
    .where('template_name', '=', p.name)
    .where('sha256', '=', p.sha256)
    .executeTakeFirst();
  if (existing) return { templateVersion: rowToTemplateVersion(existing), created: false };
  const latest = await db
    .selectFrom('template_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('template_name', '=', p.name)
    .executeTakeFirst();
  const row = {
    id: templateVersionId(p.name, p.sha256),
    template_name: p.name,
    version: Number(latest?.version ?? 0) + 1,
    sha256: p.sha256,
    files: canonicalJson(p.files),
    status: 'published' as const,
    published_at: now,
    published_by: p.publishedBy ?? null,
    created_at: now,
  };
  await db.insertInto('template_versions').values(row).execute();
  return { templateVersion: rowToTemplateVersion(row), created: true };
}

/** One template version by id, or undefined. */
export async function getTemplateVersion(
  db: Kysely<Database>,
  id: string,
): Promise<TemplateVersionRecord | undefined> {
  const row = await db.selectFrom('template_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToTemplateVersion(row) : undefined;
}

/** The highest published version of a template. */
export async function getLatestTemplateVersion(
  db: Kysely<Database>,
  name: string,
): Promise<TemplateVersionRecord | undefined> {
  const row = await db
    .selectFrom('template_versions')
    .selectAll()
    .where('template_name', '=', name)
    .where('status', '=', 'published')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? rowToTemplateVersion(row) : undefined;
}

/** The names of the templates with a published version, sorted. */
export async function listPublishedTemplateNames(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('template_versions')
    .select('template_name')
    .distinct()
    .where('status', '=', 'published')
    .orderBy('template_name')
    .execute();
  return rows.map((r) => r.template_name);
}

/** Every version of a template, oldest first. */
export async function listTemplateVersions(
  db: Kysely<Database>,
  name: string,
): Promise<TemplateVersionRecord[]> {
  const rows = await db
    .selectFrom('template_versions')
    .selectAll()
    .where('template_name', '=', name)
    .orderBy('version')
    .execute();
  return rows.map(rowToTemplateVersion);
}

function rowToTemplateVersion(row: Selectable<TemplateVersionsTable>): TemplateVersionRecord {
  return {
    id: row.id,
    templateName: row.template_name,
    version: Number(row.version),
    sha256: row.sha256,
    files: parseJson<Record<string, string>>(row.files),
    status: row.status,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    createdAt: row.created_at,
  };
}

/** PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Every template (name and description), by name. */
export async function listTemplates(db: Kysely<Database>): Promise<{ name: string; description: string }[]> {
  return db.selectFrom('templates').select(['name', 'description']).orderBy('name').execute();
}
