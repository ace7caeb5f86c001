import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { seedUsers } from '../support/api.ts';
import { launchChromium, screenshotsDir, signedInPage } from '../support/browser.ts';
import { seedLabelledCustomer } from '../support/labelled-customer.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 19 item 4 in Chromium: an agent switches the customer page to Chinese and reads the key
 * traits, the holdings' headings, the timeline's types, offers and a suppressed message's reason in
 * Chinese (drawn with the app's CJK web font); screenshots in docs/samples.
 */
describe('customer page labels in the browser', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    temp = await openTempStore('customer-page-labels-browser');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    await seedUsers(temp.store.db);
    await seedLabelledCustomer(temp.store.db, blobs);
    app = buildApp({ db: temp.store.db, blobs, datasourcesDir: path.join(ROOT, 'datasources') });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await temp?.close();
  });

  it('shows labels in English, then in Chinese after the language switch', async () => {
    const page = await signedInPage(browser, base, 'agent1', { height: 1100, landing: /\/ui\/search/ });
    const texts = (selector: string) => page.locator(selector).allInnerTexts();
    try {
      await page.goto(`${base}/ui/customers/C0001`);
      expect(await texts('dl.kv dt[data-trait]')).toContain('Average yearly balance (EUR)');
      expect(await texts('#holdings th')).toContain('Opening balance');
      await page.screenshot({
        path: path.join(screenshotsDir(), 'customer-labels-en.png'),
        fullPage: true,
      });
      await Promise.all([page.waitForURL(/\/ui\/customers\//), page.click('header a[lang="zh-CN"]')]);
      await page.evaluate('document.fonts.ready');
      expect(await texts('dl.kv dt[data-trait]')).toEqual(
        expect.arrayContaining(['平均年余额（欧元）', '职业']),
      );
      expect(await texts('#holdings th')).toEqual(expect.arrayContaining(['期初余额', '账号', '币种']));
      expect(await texts('#holdings h3')).toEqual([expect.stringContaining('活期账户')]);
      expect(await texts('#timeline .comm-type')).toEqual(expect.arrayContaining(['月结单', '交叉销售推广']));
      expect(await texts('#timeline .offer')).toContain('十二个月定期存款');
      expect(await texts('#timeline .reason')).toContain('客户要求不再联系');
      await page.screenshot({
        path: path.join(screenshotsDir(), 'customer-labels-zh.png'),
        fullPage: true,
      });
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
