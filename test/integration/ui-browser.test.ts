import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { PASSWORD, seedUsers } from '../support/api.ts';
import { launchChromium, signedInPage } from '../support/browser.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore, testBatchDeps } from '../support/stores.ts';

/**
 * The agent's path in Debian's Chromium (playwright-core, no downloaded browser) against a real
 * server on 127.0.0.1 and the documents of a real statement run through BullMQ.
 */
describe('call-center UI in Chromium', () => {
  let temp: TempStore;
  let batch: ReturnType<typeof testBatchDeps>;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const customers: Customer[] = [];
  const documents = new Map<string, { id: string; sha256: string }>();

  beforeAll(async () => {
    temp = await openTempStore('ui');
    for (let i = 1; i <= 3; i += 1) {
      const id = `U${String(i).padStart(4, '0')}`;
      customers.push({
        ...synthesizeIdentity(id, { locale: 'en-GB' }),
        traits: { balance: 100 * i, job: 'admin.' },
      });
    }
    await upsertCustomers(temp.store.db, customers);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    const template = await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 2, concurrency: 1 });
    const outcome = await executeRun(batch.deps, {
      communicationType: 'monthly-statement',
      templateVersionId: template.id,
      asOf: '2026-10-31',
      source: 'store:all',
    });
    for (const row of await listCommunicationsForRun(temp.store.db, outcome.runId)) {
      if (row.artifactSha256) documents.set(row.customerId, { id: row.id, sha256: row.artifactSha256 });
    }
    await seedUsers(temp.store.db);
    app = buildApp({ db: temp.store.db, blobs: batch.deps.blobs });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await batch?.close();
    await temp?.close();
  });

  const signedIn = (user: string): Promise<Page> =>
    signedInPage(browser, base, user, { height: 768, landing: /\/ui\/search/ });

  it('redirects a signed-out user to the sign-in page', async () => {
    const page = await browser.newPage();
    const customer = customers[0]!;
    await page.goto(`${base}/ui/customers/${customer.id}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/ui/customers/${customer.id}`);
    await page.goto(`${base}/ui/admin/audit`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  it('agent: search → customer → verified statement → record a response → on the timeline', async () => {
    const customer = customers[1]!;
    const doc = documents.get(customer.id)!;
    const page = await signedIn('agent1');
    // By the last four digits of the phone, as a caller reads them out; a single hit opens at once.
    const last4 = customer.phone!.slice(-4);
    const sharing = customers.filter((c) => c.phone?.endsWith(last4));
    await page.fill('input[name=q]', last4);
    if (sharing.length === 1) {
      await Promise.all([page.waitForURL(/\/ui\/customers\//), page.click('form.search button')]);
    } else {
      await Promise.all([page.waitForURL(/q=/), page.click('form.search button')]);
      await Promise.all([
        page.waitForURL(/\/ui\/customers\//),
        page.click(`#results a[href="/ui/customers/${customer.id}"]`),
      ]);
    }
    expect(await page.textContent('#customer-id')).toBe(customer.id);
    const row = page.locator(`#timeline tr.communication[data-id="${doc.id}"]`);
    expect(await row.textContent()).toContain('monthly-statement');
    await Promise.all([page.waitForURL(/\/communications\//), row.locator('a').click()]);
    expect(await page.locator('#verified').isVisible()).toBe(true);
    expect(await page.textContent('#sha256')).toBe(doc.sha256);
    const src = await page.getAttribute('iframe#document', 'src');
    const bytes = await page.request.get(`${base}${src}`);
    expect(bytes.status()).toBe(200);
    expect(bytes.headers()['x-missive-sha256']).toBe(doc.sha256);
    await page.screenshot({ path: `${temp.dir}/viewer.png` });
    await page.selectOption('select[name=outcome]', 'dispute');
    await page.fill('textarea[name=note]', 'Line 3 of the statement is wrong');
    await Promise.all([
      page.waitForURL(/\/ui\/customers\/[^/]+#timeline$/),
      page.click('#disposition button'),
    ]);
    const event = page.locator('#timeline tr.event[data-type="disposition"]');
    expect(await event.count()).toBe(1);
    expect(await event.textContent()).toContain('Disputes the document');
    expect(await event.textContent()).toContain('Line 3 of the statement is wrong');
    await Promise.all([page.waitForURL(/\/ui\/customers\//), page.click('a[lang="zh-CN"]')]);
    expect(await page.locator('#timeline tr.event').textContent()).toContain('对文件有异议');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.screenshot({ path: `${temp.dir}/customer-zh.png`, fullPage: true });
    if (process.env.MISSIVE_UI_SCREENSHOTS)
      fs.cpSync(temp.dir, process.env.MISSIVE_UI_SCREENSHOTS, {
        recursive: true,
        filter: (f) => !f.includes('archive'),
      });
    await page.context().close();
  });

  it('an agent cannot open the admin pages; an admin can', async () => {
    const agent = await signedIn('agent1');
    for (const path of ['/ui/admin/users', '/ui/admin/audit']) {
      const res = await agent.goto(`${base}${path}`);
      expect(res!.status()).toBe(403);
      expect(await agent.textContent('main')).toContain('You may not open this page.');
    }
    await agent.context().close();
    const admin = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await admin.newPage();
    await page.goto(`${base}/login?next=/ui/admin/audit`);
    await page.fill('input[name=name]', 'admin1');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(/\/ui\/admin\/audit/), page.click('button[type=submit]')]);
    expect(await page.locator('#audit').textContent()).toContain('document.view');
    await admin.close();
  });

  it('a tampered document is refused by the API (409) and the UI says so', async () => {
    const customer = customers[2]!;
    const doc = documents.get(customer.id)!;
    const file = batch.deps.blobs.locate(doc.sha256);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(200) ^ 0x20, 200);
    fs.writeFileSync(file, bytes);
    fs.chmodSync(file, 0o444);
    const page = await signedIn('agent1');
    await page.goto(`${base}/ui/customers/${customer.id}/communications/${doc.id}`);
    expect(await page.locator('#tampered').isVisible()).toBe(true);
    expect(await page.locator('#verified').count()).toBe(0);
    expect(await page.locator('iframe#document').count()).toBe(0);
    const api = await page.request.get(
      `${base}/api/customers/${customer.id}/communications/${doc.id}/document`,
    );
    expect(api.status()).toBe(409);
    expect((await api.json()).error.code).toBe('MSV_ARCHIVE_TAMPERED');
    await page.context().close();
  });
});
