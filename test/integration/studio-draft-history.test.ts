import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStoreAt, type Store } from '../../src/store/db.ts';
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

/**
 * Undo and redo of a draft's edits (issue 21 item 1), through the one save path every edit takes;
 * migration 0025 on SQLite and PostgreSQL.
 */
describe.each(['sqlite', 'postgres'] as const)('studio draft history on %s', (dialect) => {
  let temp: TempStore | undefined;
  let store: Store;
  const schema = `draft_history_${randomUUID().replaceAll('-', '')}`;
  let version: string;
  const who = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' as const };

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      temp = await openTempStore('studio-draft-history');
      store = temp.store;
    } else {
      store = await openStoreAt({ databaseUrl: inject('databaseUrl'), schema, poolSize: 2 });
    }
    await seedUsers(store.db);
    version = (await publishTemplatePackage(store.db, `${ROOT}/templates/monthly-statement`)).id;
  }, 60_000);

  afterAll(async () => {
    if (temp) await temp.close();
    else {
      await store?.close();
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  it('undoes and redoes edits in order, a new edit drops the redo, an added file goes away on undo', async () => {
    const db = store.db;
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
    const db = store.db;
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
