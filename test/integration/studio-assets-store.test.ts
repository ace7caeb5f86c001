import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addUser } from '../../src/api/lookup/users.ts';
import { isMissiveError } from '../../src/core/errors.ts';
import { listAudit } from '../../src/store/audit.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import {
  decideBrandChange,
  getBrandChange,
  insertBrandChange,
  listBrandChanges,
} from '../../src/store/index.ts';
import { readAsset, uploadAsset } from '../../src/studio/assets.ts';
import type { StudioActor } from '../../src/studio/workflow.ts';

/** The asset library and brand changes on both databases: content addressing, names, four-eyes states. */
describe.each(['sqlite', 'postgres'] as const)('studio assets on %s', (dialect) => {
  let store: Store;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-assets-store-'));
  const schema = `assets_store_${randomUUID().replaceAll('-', '')}`;
  const who: StudioActor = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' };

  beforeAll(async () => {
    const location: StoreLocation =
      dialect === 'sqlite'
        ? { sqlitePath: path.join(dir, 'missive.sqlite') }
        : { databaseUrl: inject('databaseUrl'), schema, poolSize: 2 };
    store = await openStoreAt(location);
    await addUser(store.db, {
      name: 'marketer1',
      role: 'marketer',
      password: 'correct horse battery staple',
    });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  const picture = (hex: string) =>
    sharp({ create: { width: 30, height: 20, channels: 3, background: hex } })
      .png()
      .toBuffer();

  it('keeps one row per picture, refuses another picture under a taken name, reads back verified bytes', async () => {
    const first = await uploadAsset(store.db, who, 'Star.png', await picture('#d0208c'));
    const again = await uploadAsset(store.db, who, 'other-name.png', await picture('#d0208c'));
    expect(again).toEqual(first);
    const refused = await uploadAsset(store.db, who, 'star.png', await picture('#000000')).catch(
      (e: unknown) => e,
    );
    expect(isMissiveError(refused) && refused.code).toBe('MSV_STUDIO_ASSET_INVALID');
    expect((refused as Error).message).toMatch(/named star\.png, which the library already has/);
    const { asset, bytes } = await readAsset(store.db, { name: 'star.png' });
    expect(asset).toMatchObject({
      width: 30,
      height: 20,
      kind: 'png',
      sourceKind: 'png',
      uploadedBy: 'marketer1',
    });
    expect(bytes.length).toBe(asset.size);
    const audit = await listAudit(store.db, { targetId: first.sha256 });
    expect(audit.map((e) => e.action)).toEqual(['studio.asset.upload']);
  });

  it('decides a brand change once (compare-and-set on its status)', async () => {
    const change = await insertBrandChange(store.db, {
      id: 'brc_test',
      brandId: 'bank',
      baseSha256: 'a'.repeat(64),
      sha256: 'b'.repeat(64),
      files: { 'brand.yaml': 'name: x\n' },
      submittedBy: 'marketer1',
    });
    expect(change.status).toBe('submitted');
    expect(await decideBrandChange(store.db, 'brc_test', 'approved', 'admin1')).toBe(true);
    expect(await decideBrandChange(store.db, 'brc_test', 'rejected', 'admin2')).toBe(false);
    expect(await getBrandChange(store.db, 'brc_test')).toMatchObject({
      status: 'approved',
      decidedBy: 'admin1',
      files: { 'brand.yaml': 'name: x\n' },
    });
    expect((await listBrandChanges(store.db, 'bank')).map((c) => c.id)).toEqual(['brc_test']);
  });
});
