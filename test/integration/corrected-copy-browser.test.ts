import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { getCommunication } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seedUsers } from '../support/api.ts';
import {
  launchChromiumWithCjk,
  screenshotsDir,
  seriousViolations,
  signedInPage,
} from '../support/browser.ts';
import { channelCustomer } from '../support/channels.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const SAMPLES = screenshotsDir();

/**
 * Issue 19 item 1, corrected copy in the agent's browser (Debian's Chromium): from the viewer of a
 * printed statement the agent opens the corrected-copy form, corrects the town and the closing balance
 * (held: an amount), and an admin approves it on the same page; the viewer and the timeline then show
 * "corrects #N" / "corrected by #M". The form in en-GB and zh-CN goes to docs/samples.
 */
describe('corrected copy in the browser', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let service: OnDemandService;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let customer: Customer;
  let statementId: string;

  beforeAll(async () => {
    temp = await openTempStore('corrected-copy-browser');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    customer = channelCustomer(7, { eDelivery: false, name: 'Jane Smith' });
    await upsertCustomers(temp.store.db, [customer]);
    await loadStatementFeeds(temp.store.db, [customer], '2026-10-31');
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'monthly-statement'));
    await seedUsers(temp.store.db);
    service = createOnDemandService({
      db: temp.store.db,
      blobs,
      logger: createLogger('silent'),
      channels: {},
    });
    app = buildApp({ db: temp.store.db, blobs, onDemand: service, logger: createLogger('silent') });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const made = await service.communicate('test', {
      type: 'monthly-statement',
      customerId: customer.id,
      channel: 'print',
      idempotencyKey: 'browser-statement-1',
    });
    statementId = made.communication.id;
    browser = await launchChromiumWithCjk(temp.dir);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await service?.close();
    await temp?.close();
  });

  const signedIn = (user: string): Promise<Page> =>
    signedInPage(browser, base, user, { height: 1000, landing: /\/ui\/search/ });
  const viewer = () => `${base}/ui/customers/${customer.id}/communications/${statementId}`;

  it('an agent asks, an admin approves, the links show both ways', async () => {
    const agent = await signedIn('agent1');
    await agent.goto(viewer());
    await Promise.all([agent.waitForURL(/\/correct$/), agent.click('#correct-link')]);
    expect(await agent.inputValue('input[data-path="customer.address.city"]')).toBe('Town');
    expect(await agent.inputValue('input[data-path="closingBalance"]')).not.toBe('');
    expect(await seriousViolations(agent)).toEqual([]);
    fs.mkdirSync(SAMPLES, { recursive: true });
    await agent.screenshot({ path: path.join(SAMPLES, 'corrected-copy-form.png'), fullPage: true });

    await agent.fill('input[data-path="customer.address.city"]', 'Harbourton');
    await agent.fill('input[data-path="closingBalance"]', '4321.09');
    await agent.fill('#correct input[name=reason]', 'customer moved; fee refunded');
    await Promise.all([agent.waitForURL(/done=pending/), agent.click('#correct button[type=submit]')]);
    expect(await agent.textContent('#corrected')).toContain('waits for a supervisor');
    const row = agent.locator('#corrections tr[data-status="pending"]');
    expect(await row.count()).toBe(1);
    // The requester sees no approve button on their own request.
    expect(await row.locator('button').count()).toBe(0);

    const admin = await signedIn('admin1');
    // The admin finds it in the approval queue (the bar's Approvals) and opens the document's page.
    await Promise.all([admin.waitForURL(/\/ui\/corrections$/), admin.click('a[href="/ui/corrections"]')]);
    expect(await admin.locator('#correction-queue tbody tr').count()).toBe(1);
    await Promise.all([admin.waitForURL(/\/correct$/), admin.click('#correction-queue a')]);
    await admin.fill('#corrections tr[data-status="pending"] input[name=reason]', 'refund confirmed');
    await Promise.all([
      admin.waitForURL(/done=approved/),
      admin.click('#corrections tr[data-status="pending"] button[value=approve]'),
    ]);
    const applied = admin.locator('#corrections tr[data-status="applied"]');
    expect(await applied.textContent()).toContain('admin1');
    const versionId = (await applied.locator('a').getAttribute('href'))!.split('/').pop()!;
    expect((await getCommunication(temp.store.db, versionId))!).toMatchObject({
      copyOf: statementId,
      copyKind: 'correction',
    });

    await agent.goto(viewer());
    expect(await agent.textContent('#corrections-line')).toContain(`corrected by #${versionId}`);
    await agent.goto(`${base}/ui/customers/${customer.id}/communications/${versionId}`);
    expect(await agent.textContent('#corrections-line')).toContain(`corrects #${statementId}`);
    await agent.goto(`${base}/ui/customers/${customer.id}`);
    expect(await agent.textContent(`#timeline tr[data-id="${statementId}"]`)).toContain(
      `corrected by #${versionId}`,
    );
    expect(await agent.textContent(`#timeline tr[data-id="${versionId}"]`)).toContain(
      `corrects #${statementId}`,
    );

    // The same form in Chinese.
    await agent.goto(`${viewer()}/correct`);
    await Promise.all([agent.waitForURL(/\/correct/), agent.click('a[lang="zh-CN"]')]);
    expect(await agent.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await agent.textContent('h1')).toContain('更正副本');
    expect(await agent.textContent('#corrections')).toContain('已生效');
    await agent.screenshot({ path: path.join(SAMPLES, 'corrected-copy-form-zh.png'), fullPage: true });
  }, 60_000);
});
