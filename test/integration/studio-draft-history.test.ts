import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_HISTORY_LIMIT, draftHistoryCounts, listAudit } from '../../src/store/index.ts';
import { stepDraftHistory } from '../../src/studio/draft-history.ts';
import {
  createDraftFromVersion,
  editDraftFiles,
  requireDraft,
  submitDraft,
} from '../../src/studio/workflow.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seedUsers } from '../support/api.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/** Undo and redo of a draft's edits (issue 21 item 1), through the one save path every edit takes. */
describe('studio draft history', () => {
  let temp: TempStore;
  let version: string;
  const who = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' as const };

  beforeAll(async () => {
    temp = await openTempStore('studio-draft-history');
    await seedUsers(temp.store.db);
    version = (await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`)).id;
  }, 60_000);

  afterAll(async () => {
    await temp?.close();
  });

  it('undoes and redoes edits in order, a new edit drops the redo, an added file goes away on undo', async () => {
    const db = temp.store.db;
    const draft = await createDraftFromVersion(db, who, version);
    const original = draft.files['print.yaml'] ?? '';
    await editDraftFiles(db, who, draft.id, { 'print.yaml': `${original}# one\n` });
    await editDraftFiles(db, who, draft.id, { 'print.yaml': `${original}# two\n`, 'notes.txt': 'added' });
    await editDraftFiles(db, who, draft.id, { 'print.yaml': `${original}# two\n` }); // the same text: no edit
    expect(await draftHistoryCounts(db, draft.id)).toEqual({ undo: 2, redo: 0 });

    let now = await stepDraftHistory(db, who, draft.id, 'undo');
    expect(now?.files['print.yaml']).toBe(`${original}# one\n`);
    expect(now?.files['notes.txt']).toBeUndefined();
    now = await stepDraftHistory(db, who, draft.id, 'undo');
    expect(now?.files['print.yaml']).toBe(original);
    expect(await stepDraftHistory(db, who, draft.id, 'undo')).toBeUndefined();
    expect(await draftHistoryCounts(db, draft.id)).toEqual({ undo: 0, redo: 2 });

    now = await stepDraftHistory(db, who, draft.id, 'redo');
    expect(now?.files['print.yaml']).toBe(`${original}# one\n`);
    expect((await requireDraft(db, draft.id)).files['print.yaml']).toBe(`${original}# one\n`);
    await editDraftFiles(db, who, draft.id, { 'print.yaml': `${original}# three\n` });
    expect(await draftHistoryCounts(db, draft.id)).toEqual({ undo: 2, redo: 0 });
    expect(await stepDraftHistory(db, who, draft.id, 'redo')).toBeUndefined();

    const actions = (await listAudit(db, { targetId: draft.id })).map((a) => a.action);
    expect(actions.filter((a) => a === 'studio.draft.undo')).toHaveLength(2);
    expect(actions.filter((a) => a === 'studio.draft.redo')).toHaveLength(1);
  }, 60_000);

  it(`keeps the newest ${DRAFT_HISTORY_LIMIT} edits, and refuses an undo once the draft is submitted`, async () => {
    const db = temp.store.db;
    const draft = await createDraftFromVersion(db, who, version);
    const original = draft.files['print.yaml'] ?? '';
    for (let i = 0; i < DRAFT_HISTORY_LIMIT + 3; i++)
      await editDraftFiles(db, who, draft.id, { 'print.yaml': `${original}# ${i}\n` });
    expect(await draftHistoryCounts(db, draft.id)).toEqual({ undo: DRAFT_HISTORY_LIMIT, redo: 0 });
    await editDraftFiles(db, who, draft.id, { 'print.yaml': `${original}# last\n` });
    await submitDraft(db, who, draft.id);
    await expect(stepDraftHistory(db, who, draft.id, 'undo')).rejects.toMatchObject({
      code: 'MSV_STUDIO_DRAFT_STATE',
    });
    expect((await requireDraft(db, draft.id)).files['print.yaml']).toBe(`${original}# last\n`);
  }, 120_000);
});
