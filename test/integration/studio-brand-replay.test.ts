import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/api/lookup/users.ts';
import { loadStoredBrand, storeBrand } from '../../src/archive/brand-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { renderForChannel } from '../../src/render/heavy.ts';
import { approveBrandTheme, proposeBrandTheme, themeFormOf } from '../../src/studio/brand-theme.ts';
import { grantApprover, type StudioActor } from '../../src/studio/workflow.ts';
import { loadPublishedTemplate } from '../../src/templates/heavy.ts';
import { type DocumentData, loadBrandSource } from '../../src/templates/index.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * An approved brand theme change leaves documents already made replayable: the brand version a
 * document's sealed inputs name is read back from the blob store and renders the same bytes, while
 * a new document takes the new theme. The template version is the same throughout.
 */
describe('brand theme change and replay', () => {
  let temp: TempStore;
  let brandsDir: string;
  const marketer: StudioActor = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' };
  const admin: StudioActor = { actor: 'user:admin1', user: 'admin1', role: 'admin' };

  beforeAll(async () => {
    temp = await openTempStore('brand-replay');
    brandsDir = path.join(temp.dir, 'brands');
    fs.cpSync(path.join(ROOT, 'brands'), brandsDir, { recursive: true });
    await addUser(temp.store.db, {
      name: 'marketer1',
      role: 'marketer',
      password: 'correct horse battery staple',
    });
    await addUser(temp.store.db, { name: 'admin1', role: 'admin', password: 'correct horse battery staple' });
    await grantApprover(temp.store.db, admin, 'marketer1');
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
  });
  afterAll(async () => temp?.close());

  it('old documents re-render byte for byte from their stored brand; new ones take the new theme', async () => {
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    const { template, files } = await loadPublishedTemplate(temp.store.db, 'monthly-statement');
    const data = JSON.parse(files['sample-data.json']!) as DocumentData;
    const render = async (brand: Awaited<ReturnType<typeof loadBrandSource>>) =>
      (await renderForChannel(template, 'print', data, { asOf: '2026-10-31', locale: 'en-GB', brand }))
        .artifact;

    const before = await loadBrandSource(brandsDir, 'bank');
    const ref = await storeBrand(blobs, before); // what a document's sealed inputs name
    const made = await render(before);

    const form = (source: typeof before) => {
      const { logoFile: _file, ...fields } = themeFormOf(source);
      return fields;
    };
    const change = await proposeBrandTheme(temp.store.db, marketer, brandsDir, 'bank', {
      ...form(before),
      primary: '#8a1538',
      logo: '',
    });
    await expect(approveBrandTheme(temp.store.db, marketer, brandsDir, change.id)).rejects.toMatchObject({
      code: 'MSV_STUDIO_SELF_APPROVAL',
    });
    await approveBrandTheme(temp.store.db, admin, brandsDir, change.id);
    const after = await loadBrandSource(brandsDir, 'bank');
    expect(after.sha256).toBe(change.sha256);
    expect(after.sha256).not.toBe(before.sha256);

    const replayed = await render(await loadStoredBrand(blobs, ref));
    expect(replayed.sha256).toBe(made.sha256);
    expect(Buffer.from(replayed.bytes).equals(Buffer.from(made.bytes))).toBe(true);
    expect((await render(after)).sha256).not.toBe(made.sha256);

    // A second change made from the old version is refused: the brand moved on since.
    const stale = await proposeBrandTheme(temp.store.db, marketer, brandsDir, 'bank', {
      ...form(after),
      accent: '#123456',
      logo: '',
    });
    fs.appendFileSync(path.join(brandsDir, 'bank', 'brand.yaml'), '# edited by hand\n');
    await expect(approveBrandTheme(temp.store.db, admin, brandsDir, stale.id)).rejects.toMatchObject({
      code: 'MSV_STUDIO_DRAFT_STATE',
    });
  });
});
