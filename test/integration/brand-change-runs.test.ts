import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/api/lookup/users.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { createRunBrands } from '../../src/archive/run-brand.ts';
import { createRunIfAbsent, getRun } from '../../src/store/runs.ts';
import { approveBrandTheme, proposeBrandTheme, themeFormOf } from '../../src/studio/brand-theme.ts';
import { grantApprover, type StudioActor } from '../../src/studio/workflow.ts';
import { loadBrandSource } from '../../src/templates/index.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * A long-lived worker (or the API server's on-demand service) keeps one RunBrands for its whole life.
 * After a brand theme change is approved, a run started afterwards renders the new brand without a
 * restart, and a run started before keeps the version it started with — in every worker, also one
 * started after the change.
 */
describe('an approved brand change and the runs of long-lived workers', () => {
  let temp: TempStore;
  let brandsDir: string;
  const marketer: StudioActor = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' };
  const admin: StudioActor = { actor: 'user:admin1', user: 'admin1', role: 'admin' };
  const newRun = async (id: string) =>
    (
      await createRunIfAbsent(temp.store.db, {
        id,
        communicationType: 'monthly-statement',
        templateVersionId: 'tv',
        asOf: '2026-10-31',
        source: 'test',
      })
    ).run;

  beforeAll(async () => {
    temp = await openTempStore('brand-change-runs');
    brandsDir = path.join(temp.dir, 'brands');
    fs.cpSync(path.join(ROOT, 'brands'), brandsDir, { recursive: true });
    const password = 'correct horse battery staple';
    await addUser(temp.store.db, { name: 'marketer1', role: 'marketer', password });
    await addUser(temp.store.db, { name: 'admin1', role: 'admin', password });
    await grantApprover(temp.store.db, admin, 'marketer1');
  });
  afterAll(async () => temp?.close());

  it('new runs take the new theme; a run started before keeps its version everywhere', async () => {
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    const settings = { dir: brandsDir, defaultBrand: 'bank' };
    const worker = createRunBrands(blobs, settings, temp.store.db); // `missive worker`, started first
    const onDemand = createRunBrands(blobs, settings); // the API server's on-demand service

    const before = await loadBrandSource(brandsDir, 'bank');
    const early = await newRun('run_before');
    expect((await worker.forRun(early, undefined)).ref.sha256).toBe(before.sha256);
    expect((await getRun(temp.store.db, early.id))?.options.brand).toEqual({
      id: 'bank',
      sha256: before.sha256,
    });
    expect((await onDemand.forRun({ ...early, id: 'od_1', options: {} }, undefined)).ref.sha256).toBe(
      before.sha256,
    );

    const { logoFile: _file, ...form } = themeFormOf(before);
    const change = await proposeBrandTheme(temp.store.db, marketer, brandsDir, 'bank', {
      ...form,
      primary: '#8a1538',
      logo: '',
    });
    await approveBrandTheme(temp.store.db, admin, brandsDir, change.id);

    const late = await newRun('run_after');
    const lateBrand = await worker.forRun(late, undefined);
    expect(lateBrand.ref.sha256).toBe(change.sha256);
    expect(lateBrand.source.files['brand.yaml']).toContain('#8a1538');
    expect(await blobs.has(change.sha256)).toBe(true);
    expect((await onDemand.forRun({ ...late, id: 'od_2', options: {} }, undefined)).ref.sha256).toBe(
      change.sha256,
    );

    // The early run's later chunks, in this worker and in one started after the change.
    expect((await worker.forRun(early, undefined)).ref.sha256).toBe(before.sha256);
    const restarted = createRunBrands(blobs, settings, temp.store.db);
    const stored = await getRun(temp.store.db, early.id);
    expect((await restarted.forRun(stored!, undefined)).ref.sha256).toBe(before.sha256);
    // Even a record read before the pin (no `brand` in its options) finds the pinned version.
    const another = createRunBrands(blobs, settings, temp.store.db);
    expect((await another.forRun(early, undefined)).source.files).toEqual(before.files);
  });
});
