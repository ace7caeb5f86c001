import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import { lastDayOfPreviousMonth } from '../core/dates.ts';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import { lintTemplateFiles, requireDataContract } from '../render/heavy.ts';
import {
  appendAudit,
  type Database,
  type DraftRecord,
  getDraft,
  getLatestTemplateVersion,
  getTemplateVersion,
  getUser,
  grantStudioApprover,
  insertDraft,
  isStudioApprover,
  listStudioApprovers,
  listUsers,
  type Role,
  updateDraftIf,
} from '../store/index.ts';
import { compileTemplateAsync, type PublishedTemplate, publishTemplateFiles } from '../templates/heavy.ts';
import { loadTemplatePackage, templatePackageFromFiles } from '../templates/index.ts';
import { recordEdit } from './draft-history.ts';

/**
 * The four-eyes workflow of a studio draft:
 *
 *   draft ──submit──▶ submitted ──approve (another approver)──▶ published
 *     ▲                  │
 *     └──── reject ──────┘            draft ──discard──▶ discarded
 *
 * Only a `draft` can be edited. Approving publishes the files as an immutable, content-hashed template
 * version (src/templates/publish.ts) and records who published it. The approver right: every admin,
 * and every marketer an admin granted it to (studio_approvers). Whoever submitted a draft can never
 * approve it, whatever their role. Every step, refusals included, writes an audit row.
 */

/** Who acts: the audit actor (`user:alice`), the user's name and role. */
export interface StudioActor {
  actor: string;
  user: string;
  role: Role;
  ip?: string;
}

/** Relative POSIX paths inside a package: no absolute paths, no `..`, no hidden files. */
const FILE_PATH = /^(?!\/)(?!.*(?:^|\/)\.)[A-Za-z0-9_\-./]{1,200}$/;
/** A draft's files stay small: they are edited in a textarea and kept in one database row. */
const MAX_FILE_BYTES = 512 * 1024;

export function newDraftId(): string {
  return `drf_${randomBytes(8).toString('hex')}`;
}

async function audit(
  db: Kysely<Database>,
  who: StudioActor,
  action: string,
  draftId: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(db, {
    actor: who.actor,
    action,
    targetType: 'studio_draft',
    targetId: draftId,
    details: { ...details, ...(who.ip ? { ip: who.ip } : {}) },
  });
}

/** A draft from a published version (`name@hash`, or a name for its latest version). */
export async function createDraftFromVersion(
  db: Kysely<Database>,
  who: StudioActor,
  ref: string,
): Promise<DraftRecord> {
  const version = ref.includes('@')
    ? await getTemplateVersion(db, ref)
    : await getLatestTemplateVersion(db, ref);
  if (!version)
    throw new MissiveError('MSV_TEMPLATE_NOT_FOUND', `no published template "${ref}"`, { template: ref });
  const draft = await insertDraft(db, {
    id: newDraftId(),
    templateName: version.templateName,
    baseVersionId: version.id,
    files: version.files,
    createdBy: who.user,
  });
  await audit(db, who, 'studio.draft.create', draft.id, { template: draft.templateName, base: version.id });
  return draft;
}

/** A draft from a package directory on the server (e.g. templates/monthly-statement). */
export async function createDraftFromPackage(
  db: Kysely<Database>,
  who: StudioActor,
  dir: string,
): Promise<DraftRecord> {
  const pkg = await loadTemplatePackage(path.resolve(dir));
  const draft = await insertDraft(db, {
    id: newDraftId(),
    templateName: pkg.name,
    baseVersionId: null,
    files: { ...pkg.files },
    createdBy: who.user,
  });
  await audit(db, who, 'studio.draft.create', draft.id, {
    template: draft.templateName,
    package: pkg.sha256,
  });
  return draft;
}

/**
 * A studio draft by id.
 * @throws MissiveError MSV_STUDIO_DRAFT_NOT_FOUND.
 */
export async function requireDraft(db: Kysely<Database>, id: string): Promise<DraftRecord> {
  const draft = await getDraft(db, id);
  if (!draft) throw new MissiveError('MSV_STUDIO_DRAFT_NOT_FOUND', `no draft ${id}`, { draftId: id });
  return draft;
}

function stateError(draft: DraftRecord, wanted: string): MissiveError {
  return new MissiveError('MSV_STUDIO_DRAFT_STATE', `draft ${draft.id} is ${draft.status}; ${wanted}`, {
    draftId: draft.id,
    status: draft.status,
  });
}

/** Writes (or adds) files of a draft that is still being edited. Content is never logged or audited. */
export async function editDraftFiles(
  db: Kysely<Database>,
  who: StudioActor,
  id: string,
  changes: Record<string, string>,
): Promise<DraftRecord> {
  const draft = await requireDraft(db, id);
  if (draft.status !== 'draft') throw stateError(draft, 'only a draft can be edited');
  for (const [file, text] of Object.entries(changes)) {
    if (!FILE_PATH.test(file) || file.split('/').includes('..')) {
      throw new MissiveError(
        'MSV_API_BAD_REQUEST',
        `file: "${file}" is not a relative path inside the package`,
        {
          field: 'file',
        },
      );
    }
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      throw new MissiveError('MSV_API_BAD_REQUEST', `file: ${file} is larger than ${MAX_FILE_BYTES} bytes`, {
        field: 'file',
      });
    }
  }
  const files = { ...draft.files, ...changes };
  if (!(await updateDraftIf(db, id, 'draft', { files })))
    throw stateError(await requireDraft(db, id), 'edit refused');
  // Every edit of a draft passes here: the canvas's undo takes it back (draft-history.ts).
  await recordEdit(db, draft, changes);
  await audit(db, who, 'studio.draft.edit', id, { files: Object.keys(changes).sort() });
  return { ...draft, files };
}

/** Hands a draft to the approvers; refused while the package does not compile and render its sample. */
export async function submitDraft(
  db: Kysely<Database>,
  who: StudioActor,
  id: string,
  datasourcesDir: string = SHIPPED_DATASOURCES_DIR,
): Promise<DraftRecord> {
  const draft = await requireDraft(db, id);
  if (draft.status !== 'draft') throw stateError(draft, 'only a draft can be submitted');
  await requireChanges(db, who, draft, 'submit');
  const report = await lintTemplateFiles(draft.templateName, draft.files);
  const errors = report.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    await audit(db, who, 'studio.draft.submit.refused', id, { errors: errors.length });
    throw new MissiveError(
      'MSV_STUDIO_LINT_FAILED',
      `draft ${id} has ${errors.length} lint error(s): ${errors[0]!.message}`,
      {
        draftId: id,
        errors: errors.length,
      },
    );
  }
  try {
    // The version must be producible from its data source's feeds (or the customer record).
    const template = await compileTemplateAsync(templatePackageFromFiles(draft.templateName, draft.files));
    await requireDataContract(
      template,
      datasourcesDir,
      draft.templateName,
      lastDayOfPreviousMonth(new Date()),
    );
  } catch (err) {
    if (!isMissiveError(err) || err.code !== 'MSV_DATA_CONTRACT') throw err;
    await audit(db, who, 'studio.draft.submit.refused', id, { reason: 'data contract' });
    throw err;
  }
  const submittedAt = new Date().toISOString();
  if (!(await updateDraftIf(db, id, 'draft', { status: 'submitted', submittedBy: who.user, submittedAt }))) {
    throw stateError(await requireDraft(db, id), 'submit refused');
  }
  await audit(db, who, 'studio.draft.submit', id, { template: draft.templateName });
  return { ...draft, status: 'submitted', submittedBy: who.user, submittedAt };
}

function sameFiles(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * Refuses a draft whose files are those of the version it started from or of the template's latest
 * version: publishing it would only publish the old hash again (issue 21).
 * @throws MissiveError MSV_STUDIO_NO_CHANGES, audited.
 */
async function requireChanges(db: Kysely<Database>, who: StudioActor, draft: DraftRecord, action: string) {
  const base = draft.baseVersionId ? await getTemplateVersion(db, draft.baseVersionId) : undefined;
  const latest = await getLatestTemplateVersion(db, draft.templateName);
  const same = [base, latest].find((v) => v && sameFiles(v.files, draft.files));
  if (!same) return;
  await audit(db, who, `studio.draft.${action}.refused`, draft.id, { reason: 'no changes' });
  throw new MissiveError(
    'MSV_STUDIO_NO_CHANGES',
    `no changes: draft ${draft.id} has the same files as ${same.id}; edit it before you ${action} it`,
    { draftId: draft.id, version: same.id },
  );
}

/** Whether a studio user may approve drafts: admins, and marketers granted approval. */
export async function canApprove(
  db: Kysely<Database>,
  who: Pick<StudioActor, 'user' | 'role'>,
): Promise<boolean> {
  if (who.role === 'admin') return true;
  return who.role === 'marketer' && (await isStudioApprover(db, who.user));
}

/** Who may approve a draft `submitter` submitted: admins and granted marketers, never the submitter. */
export async function approversOf(db: Kysely<Database>, submitter: string | null): Promise<string[]> {
  const users = (await listUsers(db)).filter((u) => !u.disabled);
  const granted = new Set(await listStudioApprovers(db));
  return users
    .filter((u) => u.role === 'admin' || (u.role === 'marketer' && granted.has(u.name)))
    .map((u) => u.name)
    .filter((name) => name !== submitter)
    .sort();
}

async function requireApprover(db: Kysely<Database>, who: StudioActor, draft: DraftRecord, action: string) {
  if (draft.submittedBy === who.user) {
    await audit(db, who, `studio.draft.${action}.refused`, draft.id, { reason: 'own submission' });
    throw new MissiveError(
      'MSV_STUDIO_SELF_APPROVAL',
      `${who.user} submitted draft ${draft.id} and cannot ${action} it`,
      {
        draftId: draft.id,
      },
    );
  }
  if (!(await canApprove(db, who))) {
    await audit(db, who, `studio.draft.${action}.refused`, draft.id, { reason: 'not an approver' });
    throw new MissiveError('MSV_AUTH_FORBIDDEN', `${who.user} does not have the approver right`, {
      draftId: draft.id,
    });
  }
}

/** Four eyes: another approver publishes the submitted draft as an immutable template version. */
export async function approveDraft(
  db: Kysely<Database>,
  who: StudioActor,
  id: string,
): Promise<{ draft: DraftRecord; published: PublishedTemplate }> {
  const draft = await requireDraft(db, id);
  if (draft.status !== 'submitted') throw stateError(draft, 'only a submitted draft can be approved');
  await requireApprover(db, who, draft, 'approve');
  await requireChanges(db, who, draft, 'approve');
  const published = await publishTemplateFiles(db, draft.templateName, draft.files, who.user);
  if (
    !(await updateDraftIf(db, id, 'submitted', {
      status: 'published',
      approvedBy: who.user,
      publishedVersionId: published.id,
    }))
  ) {
    throw stateError(await requireDraft(db, id), 'approve refused');
  }
  await audit(db, who, 'studio.draft.approve', id, {
    template: draft.templateName,
    version: published.version,
    versionId: published.id,
    created: published.created,
  });
  return {
    draft: { ...draft, status: 'published', approvedBy: who.user, publishedVersionId: published.id },
    published,
  };
}

/** Sends a submitted draft back to editing (an approver, or the submitter withdrawing it). */
export async function rejectDraft(db: Kysely<Database>, who: StudioActor, id: string): Promise<DraftRecord> {
  const draft = await requireDraft(db, id);
  if (draft.status !== 'submitted') throw stateError(draft, 'only a submitted draft can be sent back');
  const withdrawing = draft.submittedBy === who.user;
  if (!withdrawing && !(await canApprove(db, who))) {
    await audit(db, who, 'studio.draft.reject.refused', id, { reason: 'not an approver' });
    throw new MissiveError('MSV_AUTH_FORBIDDEN', `${who.user} does not have the approver right`, {
      draftId: id,
    });
  }
  if (!(await updateDraftIf(db, id, 'submitted', { status: 'draft' }))) {
    throw stateError(await requireDraft(db, id), 'reject refused');
  }
  await audit(db, who, withdrawing ? 'studio.draft.withdraw' : 'studio.draft.reject', id);
  return { ...draft, status: 'draft' };
}

/**
 * Discards a draft, audited.
 * @throws MissiveError MSV_STUDIO_DRAFT_NOT_FOUND, or MSV_STUDIO_DRAFT_STATE when it is no longer a draft.
 */
export async function discardDraft(db: Kysely<Database>, who: StudioActor, id: string): Promise<void> {
  const draft = await requireDraft(db, id);
  if (draft.status !== 'draft') throw stateError(draft, 'only a draft can be discarded');
  if (!(await updateDraftIf(db, id, 'draft', { status: 'discarded' })))
    throw stateError(draft, 'discard refused');
  await audit(db, who, 'studio.draft.discard', id);
}

/** An admin grants a marketer the approver right. */
export async function grantApprover(db: Kysely<Database>, who: StudioActor, userName: string): Promise<void> {
  if (who.role !== 'admin')
    throw new MissiveError('MSV_AUTH_FORBIDDEN', 'only an admin grants the approver right');
  const user = await getUser(db, userName);
  if (user?.role !== 'marketer') {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `user: ${userName} is not a marketer (admins approve by role)`,
      {
        field: 'user',
      },
    );
  }
  await grantStudioApprover(db, userName, who.user);
  await appendAudit(db, {
    actor: who.actor,
    action: 'studio.approver.grant',
    targetType: 'user',
    targetId: userName,
    details: who.ip ? { ip: who.ip } : {},
  });
}
