import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addUser } from '../../src/api/lookup/users.ts';
import { listAudit } from '../../src/store/audit.ts';
import { openStoreAt, type Store } from '../../src/store/db.ts';
import { getLatestTemplateVersion } from '../../src/store/templates.ts';
import {
  approveDraft,
  createDraftFromPackage,
  createDraftFromVersion,
  editDraftFiles,
  grantApprover,
  rejectDraft,
  type StudioActor,
  submitDraft,
} from '../../src/studio/workflow.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const STATEMENT = `${ROOT}/templates/monthly-statement`;
const who = (user: string, role: StudioActor['role']): StudioActor => ({ actor: `user:${user}`, user, role });
const alice = who('alice', 'marketer');
const bob = who('bob', 'marketer');
const carol = who('carol', 'admin');
const dave = who('dave', 'agent');

/** The four-eyes workflow of studio drafts on both stores (migration 0008, compare-and-set updates). */
describe.each(['sqlite', 'postgres'] as const)('studio drafts on %s', (dialect) => {
  let store: Store;
  let temp: TempStore | undefined;
  let schema: string | undefined;

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      temp = await openTempStore('studio');
      store = temp.store;
    } else {
      schema = `studio_test_${randomUUID().replaceAll('-', '')}`;
      store = await openStoreAt({ databaseUrl: inject('databaseUrl'), schema, poolSize: 2 });
    }
    for (const u of [alice, bob, carol, dave])
      await addUser(store.db, { name: u.user, role: u.role, password: 'x'.repeat(12) });
    await publishTemplatePackage(store.db, STATEMENT);
  });

  afterAll(async () => {
    if (temp) await temp.close();
    else {
      await store?.close();
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  it('a marketer edits and submits; the submitter cannot approve; another approver publishes a new version', async () => {
    const base = (await getLatestTemplateVersion(store.db, 'monthly-statement'))!;
    const draft = await createDraftFromVersion(store.db, carol, 'monthly-statement');
    expect(draft).toMatchObject({ status: 'draft', baseVersionId: base.id, createdBy: 'carol' });
    const strings = draft.files['locales/en-GB.json']!.replace('"Chosen for you"', '"Picked for you"');
    await editDraftFiles(store.db, carol, draft.id, { 'locales/en-GB.json': strings });
    await submitDraft(store.db, carol, draft.id);
    await expect(editDraftFiles(store.db, carol, draft.id, { 'x.txt': '' })).rejects.toMatchObject({
      code: 'MSV_STUDIO_DRAFT_STATE',
    });

    // An admin who submitted is still the submitter: four eyes, not two.
    await expect(approveDraft(store.db, carol, draft.id)).rejects.toMatchObject({
      code: 'MSV_STUDIO_SELF_APPROVAL',
    });
    // A marketer without the approver right, and an agent, cannot approve either.
    await expect(approveDraft(store.db, bob, draft.id)).rejects.toMatchObject({ code: 'MSV_AUTH_FORBIDDEN' });
    await expect(approveDraft(store.db, dave, draft.id)).rejects.toMatchObject({
      code: 'MSV_AUTH_FORBIDDEN',
    });
    await expect(grantApprover(store.db, bob, 'bob')).rejects.toMatchObject({ code: 'MSV_AUTH_FORBIDDEN' });
    await expect(grantApprover(store.db, carol, 'dave')).rejects.toMatchObject({
      code: 'MSV_API_BAD_REQUEST',
    });
    await expect(grantApprover(store.db, carol, 'nobody')).rejects.toMatchObject({
      code: 'MSV_API_BAD_REQUEST',
    });
    await grantApprover(store.db, carol, 'bob');

    const { draft: done, published } = await approveDraft(store.db, bob, draft.id);
    expect(published).toMatchObject({ name: 'monthly-statement', version: base.version + 1, created: true });
    expect(done).toMatchObject({ status: 'published', approvedBy: 'bob', publishedVersionId: published.id });
    const latest = (await getLatestTemplateVersion(store.db, 'monthly-statement'))!;
    expect(latest).toMatchObject({ id: published.id, publishedBy: 'bob' });
    expect(latest.files['locales/en-GB.json']).toContain('Picked for you');
    // Published once: a second approval finds it published.
    await expect(approveDraft(store.db, bob, draft.id)).rejects.toMatchObject({
      code: 'MSV_STUDIO_DRAFT_STATE',
    });

    const actions = (await listAudit(store.db, { targetType: 'studio_draft', targetId: draft.id }))
      .map((e) => `${e.actor} ${e.action}`)
      .reverse();
    expect(actions).toEqual([
      'user:carol studio.draft.create',
      'user:carol studio.draft.edit',
      'user:carol studio.draft.submit',
      'user:carol studio.draft.approve.refused',
      'user:bob studio.draft.approve.refused',
      'user:dave studio.draft.approve.refused',
      'user:bob studio.draft.approve',
    ]);
  });

  it('a draft with a misspelt variable cannot be submitted; sent back, fixed, it can', async () => {
    const draft = await createDraftFromPackage(store.db, alice, STATEMENT);
    const good = draft.files['print.yaml']!;
    await editDraftFiles(store.db, alice, draft.id, {
      'print.yaml': good.replace('{{offers.[0].body}}', '{{offers.[0].bdy}}'),
    });
    await expect(submitDraft(store.db, alice, draft.id)).rejects.toMatchObject({
      code: 'MSV_STUDIO_LINT_FAILED',
    });
    await editDraftFiles(store.db, alice, draft.id, { 'print.yaml': good });
    await submitDraft(store.db, alice, draft.id);
    await rejectDraft(store.db, bob, draft.id);
    await expect(editDraftFiles(store.db, alice, draft.id, { '../etc/passwd': 'x' })).rejects.toMatchObject({
      code: 'MSV_API_BAD_REQUEST',
    });
    await submitDraft(store.db, alice, draft.id);
    // Unchanged files publish as the existing version: content-hashed, nothing new.
    const { published } = await approveDraft(store.db, bob, draft.id);
    expect(published.created).toBe(false);
  });
});
