import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { setCustomerTrait } from '../../src/store/customer-feedback.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { seedLabelledCustomer } from '../support/labelled-customer.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 19 item 4, "readable for an agent, in both languages": the customer page names traits,
 * communication types and offers by their labels in the latest published catalog, heads the
 * holdings with the data source's field labels, and says a suppressed message's reason in the
 * agent's language — each id still there as a title or data attribute.
 */
describe('the customer page in the agent’s language, from the catalog’s labels', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  const page = async (locale: 'zh-CN' | 'en-GB') => {
    const res = await app.inject({
      url: '/ui/customers/C0001',
      headers: { ...bearer(tokens.agent), 'accept-language': locale },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    temp = await openTempStore('customer-page-labels');
    const db = temp.store.db;
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    tokens = await seedUsers(db);
    await seedLabelledCustomer(db, blobs);
    // A true/false trait no catalog names: the page's own yes/no.
    await setCustomerTrait(db, 'C0001', 'paperless', true);
    app = buildApp({ db, blobs, datasourcesDir: path.join(ROOT, 'datasources') });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await temp?.close();
  });

  it('zh-CN: trait, type and offer labels, Chinese holdings headers and a Chinese suppression reason', async () => {
    const body = await page('zh-CN');
    // Key traits by their catalog labels, the field name kept as a title.
    expect(body).toContain('<dt data-trait="balance" title="balance">平均年余额（欧元）</dt>');
    expect(body).toContain('<dt data-trait="job" title="job">职业</dt>');
    // A trait's value by the catalog's label for it, the stored value kept as a title.
    expect(body).toContain('<dd data-value="technician" title="technician">技术员</dd>');
    expect(body).toContain('<dd>1000</dd>'); // a number: as stored
    expect(body).toContain('<dd data-value="true" title="true">是</dd>'); // true/false: yes/no
    // A trait the catalog does not know: its name in words.
    expect(body).toContain('<dt data-trait="card" title="card">Card</dt>');
    // Types and offers by name, ids as data attributes.
    expect(body).toMatch(/data-type-id="monthly-statement"[^>]*>月结单</);
    expect(body).toMatch(/data-type-id="cross-sell-promotion"[^>]*>交叉销售推广</);
    expect(body).toMatch(/data-offer="term-deposit"[^>]*>十二个月定期存款</);
    // Holdings: the feed and its fields by their labels in the data source definition.
    expect(body).toMatch(/<h3 data-feed="accounts"[^>]*>活期账户 /);
    expect(body).toContain('<th data-field="openingBalance" title="openingBalance">期初余额</th>');
    expect(body).toContain('<th data-field="number" title="number">账号</th>');
    expect(body).not.toContain('>openingBalance</th>');
    // The suppressed row's stored English reason, said in Chinese (the stored text kept aside).
    expect(body).toMatch(/data-stored-reason="do-not-contact: [^"]*">客户要求不再联系</);
  });

  it('en-GB: the same page in English labels, the stored reason as written', async () => {
    const body = await page('en-GB');
    expect(body).toContain('<dt data-trait="balance" title="balance">Average yearly balance (EUR)</dt>');
    expect(body).toContain('<dt data-trait="job" title="job">Job</dt>');
    expect(body).toContain('<dd data-value="technician" title="technician">Technician</dd>');
    expect(body).toContain('<dd data-value="true" title="true">yes</dd>');
    expect(body).toMatch(/data-type-id="monthly-statement"[^>]*>Monthly statement</);
    expect(body).toMatch(/data-offer="term-deposit"[^>]*>12-month Fixed Term Deposit</);
    expect(body).toMatch(/<h3 data-feed="accounts"[^>]*>Current accounts /);
    expect(body).toContain('<th data-field="openingBalance" title="openingBalance">Opening balance</th>');
    expect(body).toContain('do-not-contact: the customer asked not to be contacted');
    expect(body).not.toContain('客户要求不再联系');
  });

  it('the JSON holdings carry the labels for other clients', async () => {
    const res = await app.inject({ url: '/api/customers/C0001/holdings', headers: bearer(tokens.agent) });
    const [accounts] = res.json().holdings;
    expect(accounts.label).toEqual({ 'en-GB': 'Current accounts', 'zh-CN': '活期账户' });
    expect(accounts.columnLabels.openingBalance).toEqual({ 'en-GB': 'Opening balance', 'zh-CN': '期初余额' });
  });
});
