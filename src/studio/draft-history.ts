import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import {
  appendAudit,
  type Database,
  type DraftRecord,
  draftHistoryCounts,
  getDraft,
  inTransaction,
  markDraftEdit,
  nextDraftEdit,
  recordDraftEdit,
  updateDraftIf,
} from '../store/index.ts';

/** Who acts (as workflow.ts's StudioActor: an audit actor and, from the web, an ip). */
interface Actor {
  actor: string;
  ip?: string;
}

/**
 * Undo and redo of a draft's edits (issue 21 item 1). Every edit — the canvas's forms, the code view,
 * an uploaded asset — is saved by editDraftFiles, which records the files it changed before and after
 * (store/studio-draft-history.ts); undo puts the before back, redo the after. An edit made after an
 * undo drops what could be redone, as in any editor.
 */

/** The part of `files` an edit with `changes` replaces (null: the edit adds that file). */
export function filesBefore(
  files: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
): Record<string, string | null> {
  return Object.fromEntries(Object.keys(changes).map((f) => [f, files[f] ?? null]));
}

/** Records an edit that changed something (an edit that wrote the same text is not one). */
export async function recordEdit(
  db: Kysely<Database>,
  draft: DraftRecord,
  changes: Readonly<Record<string, string>>,
): Promise<void> {
  const changed = Object.fromEntries(Object.entries(changes).filter(([f, text]) => draft.files[f] !== text));
  if (Object.keys(changed).length > 0)
    await recordDraftEdit(db, draft.id, filesBefore(draft.files, changed), changed);
}

function apply(
  files: Record<string, string>,
  set: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const out = { ...files };
  for (const [file, text] of Object.entries(set)) {
    if (text === null) delete out[file];
    else out[file] = text;
  }
  return out;
}

/**
 * Takes back the draft's newest edit (undo) or makes the oldest undone one again (redo). Returns the
 * draft as it is now, or undefined when there was nothing to undo or redo.
 * @throws MissiveError MSV_STUDIO_DRAFT_STATE when the draft is no longer a draft, or its files are
 * not as that edit left them (changed some other way).
 */
export async function stepDraftHistory(
  db: Kysely<Database>,
  who: Actor,
  id: string,
  direction: 'undo' | 'redo',
): Promise<DraftRecord | undefined> {
  return inTransaction(db, async (trx) => {
    const draft = await getDraft(trx, id);
    if (!draft) throw new MissiveError('MSV_STUDIO_DRAFT_NOT_FOUND', `no draft ${id}`, { draftId: id });
    const edit = await nextDraftEdit(trx, id, direction);
    if (!edit) return undefined;
    const [expected, target] = direction === 'undo' ? [edit.after, edit.before] : [edit.before, edit.after];
    const current = Object.entries(expected).every(([f, text]) => (draft.files[f] ?? null) === text);
    const files = apply(draft.files, target);
    if (!current || draft.status !== 'draft' || !(await updateDraftIf(trx, id, 'draft', { files })))
      throw new MissiveError(
        'MSV_STUDIO_DRAFT_STATE',
        `draft ${id}: cannot ${direction}; it is ${draft.status}${current ? '' : ' and its files changed since'}`,
        { draftId: id, status: draft.status },
      );
    await markDraftEdit(trx, id, edit.seq, direction === 'undo');
    await appendAudit(trx, {
      actor: who.actor,
      action: `studio.draft.${direction}`,
      targetType: 'studio_draft',
      targetId: id,
      details: { files: Object.keys(target).sort(), ...(who.ip ? { ip: who.ip } : {}) },
    });
    return { ...draft, files };
  });
}

export { draftHistoryCounts };
