import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { syncModel } from '../../src/feedback/model-stats.ts';
import { DEFAULT_SUCCESS_RULES } from '../../src/feedback/success.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import type { Store } from '../../src/store/db.ts';
import { seedUsers } from '../support/api.ts';
import { seedSentCommunication } from '../support/feedback-fixtures.ts';
import { openFeedbackStore } from '../support/feedback-stores.ts';
import { ROOT } from '../support/stores.ts';

/** The campaign report page: the model validation report of a run, with its charts, for marketers. */
describe('campaign report pages', () => {
  let opened: Awaited<ReturnType<typeof openFeedbackStore>>;
  let store: Store;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;

  beforeAll(async () => {
    opened = await openFeedbackStore('sqlite');
    store = opened.store;
    await publishCatalogDir(store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    for (let i = 0; i < 40; i++) {
      await seedSentCommunication(store.db, {
        runId: 'run_report',
        customerId: `r${i}`,
        channel: 'email',
        segment: '18-24|student',
        offers: ['youth-account'],
      });
    }
    await syncModel(store.db, DEFAULT_SUCCESS_RULES);
    tokens = await seedUsers(store.db);
    app = buildApp({ db: store.db });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
  });

  it('shows lift, response per offer and segment with interval charts, and the contradicted prior', async () => {
    const bearer = { authorization: `Bearer ${tokens.marketer}` };
    const list = await app.inject({ url: '/ui/reports', headers: bearer });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('/ui/reports/campaign/run_report');
    const res = await app.inject({ url: '/ui/reports/campaign/run_report', headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="offers"');
    expect(res.body).toMatch(
      /<tr class="contradicts"><td>youth-account<\/td><td>18-24\|student<\/td><td>40<\/td>/,
    );
    expect(res.body).toContain('<svg class="rate"');
    expect(res.body).toContain('youth-account in 18-24|student: the prior says');
  });

  it('is for marketers and admins only', async () => {
    const agent = await app.inject({
      url: '/ui/reports/campaign/run_report',
      headers: { authorization: `Bearer ${tokens.agent}` },
    });
    expect(agent.statusCode).toBe(403);
    const nobody = await app.inject({ url: '/ui/reports' });
    expect([303, 401]).toContain(nobody.statusCode);
  });
});
