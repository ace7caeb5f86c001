import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { seedLabelledCustomer } from '../support/labelled-customer.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * The runs list, a run's page (its report) and the campaign reports name communication types by the
 * latest published catalog's labels in the viewer's language, as the customer page does (issue 19),
 * with the id kept as a title and data attribute.
 */
describe('runs and reports pages name communication types by their labels', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const get = async (url: string, locale: 'zh-CN' | 'en-GB', role: 'agent' | 'marketer' = 'agent') => {
    const res = await app.inject({ url, headers: { ...bearer(tokens[role]), 'accept-language': locale } });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    temp = await openTempStore('runs-page-labels');
    const db = temp.store.db;
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(db);
    await seedLabelledCustomer(db, blobs); // the bank catalog published, a cross-sell run
    app = buildApp({ db, blobs, datasourcesDir: path.join(ROOT, 'datasources') });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  const promotion = (label: string) =>
    `<span class="comm-type" data-type-id="cross-sell-promotion" title="cross-sell-promotion">${label}</span>`;

  it('the runs list, in both languages', async () => {
    expect(await get('/ui/runs', 'zh-CN')).toContain(promotion('交叉销售推广'));
    const en = await get('/ui/runs', 'en-GB');
    expect(en).toContain(promotion('Cross-sell promotion'));
    expect(en).not.toMatch(/<td>cross-sell-promotion<\/td>/);
  });

  it("a run's page (its report), in both languages", async () => {
    expect(await get('/ui/runs/run_test_promotion', 'zh-CN')).toContain(promotion('交叉销售推广'));
    expect(await get('/ui/runs/run_test_promotion', 'en-GB')).toContain(promotion('Cross-sell promotion'));
  });

  it('the campaign reports list, in both languages', async () => {
    expect(await get('/ui/reports', 'zh-CN', 'marketer')).toContain(promotion('交叉销售推广'));
    expect(await get('/ui/reports', 'en-GB', 'marketer')).toContain(promotion('Cross-sell promotion'));
  });
});
