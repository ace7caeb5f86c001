import type { Kysely, Selectable } from 'kysely';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database, StudioDraftsTable } from './schema.ts';

/** A studio draft as the studio works with it (see src/studio/workflow.ts for the rules). */
export interface DraftRecord {
  id: string;
  templateName: string;
  baseVersionId: string | null;
  files: Record<string, string>;
  status: StudioDraftsTable['status'];
  createdBy: string;
  submittedBy: string | null;
  submittedAt: string | null;
  approvedBy: string | null;
  publishedVersionId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Stores a new studio draft (status draft) of a template and returns it. */
export async function insertDraft(
  db: Kysely<Database>,
  draft: {
    id: string;
    templateName: string;
    baseVersionId: string | null;
    files: Record<string, string>;
    createdBy: string;
  },
): Promise<DraftRecord> {
  const now = nowIso();
  const row = {
    id: draft.id,
    template_name: draft.templateName,
    base_version_id: draft.baseVersionId,
    files: canonicalJson(draft.files),
    status: 'draft' as const,
    created_by: draft.createdBy,
    submitted_by: null,
    submitted_at: null,
    approved_by: null,
    published_version_id: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('studio_drafts').values(row).execute();
  return rowToDraft(row);
}

/** One studio draft by id, or undefined. */
export async function getDraft(db: Kysely<Database>, id: string): Promise<DraftRecord | undefined> {
  const row = await db.selectFrom('studio_drafts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToDraft(row) : undefined;
}

/** Newest first; optionally one template's. */
export async function listDrafts(db: Kysely<Database>, templateName?: string): Promise<DraftRecord[]> {
  let query = db
    .selectFrom('studio_drafts')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(200);
  if (templateName !== undefined) query = query.where('template_name', '=', templateName);
  return (await query.execute()).map(rowToDraft);
}

/**
 * Changes a draft only if it is still in `expected` status (compare-and-set, so two approvers or an
 * edit racing a submit cannot both win). Returns false when the status had moved on.
 */
export async function updateDraftIf(
  db: Kysely<Database>,
  id: string,
  expected: StudioDraftsTable['status'],
  change: Partial<Omit<DraftRecord, 'id' | 'createdAt' | 'createdBy' | 'templateName' | 'baseVersionId'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('studio_drafts')
    .set({
      ...(change.files !== undefined ? { files: canonicalJson(change.files) } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.submittedBy !== undefined ? { submitted_by: change.submittedBy } : {}),
      ...(change.submittedAt !== undefined ? { submitted_at: change.submittedAt } : {}),
      ...(change.approvedBy !== undefined ? { approved_by: change.approvedBy } : {}),
      ...(change.publishedVersionId !== undefined ? { published_version_id: change.publishedVersionId } : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Whether a user may approve studio drafts (four-eyes publishing). */
export async function isStudioApprover(db: Kysely<Database>, userName: string): Promise<boolean> {
  const row = await db
    .selectFrom('studio_approvers')
    .select('user_name')
    .where('user_name', '=', userName)
    .executeTakeFirst();
  return row !== undefined;
}

/** Marketers with the approver right, by name. */
export async function listStudioApprovers(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('studio_approvers').select('user_name').orderBy('user_name').execute();
  return rows.map((r) => r.user_name);
}

/** Makes a user a studio approver (again is a no-op). */
export async function grantStudioApprover(
  db: Kysely<Database>,
  userName: string,
  grantedBy: string,
): Promise<void> {
  await db
    .insertInto('studio_approvers')
    .values({ user_name: userName, granted_by: grantedBy, granted_at: nowIso() })
    .onConflict((oc) => oc.column('user_name').doNothing())
    .execute();
}

function rowToDraft(row: Selectable<StudioDraftsTable>): DraftRecord {
  return {
    id: row.id,
    templateName: row.template_name,
    baseVersionId: row.base_version_id,
    files: parseJson<Record<string, string>>(row.files),
    status: row.status,
    createdBy: row.created_by,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at,
    approvedBy: row.approved_by,
    publishedVersionId: row.published_version_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
