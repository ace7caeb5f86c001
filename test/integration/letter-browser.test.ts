import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { BlobStore } from '../../src/archive/blob-store.ts';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { createOnDemandService, type OnDemandService } from '../../src/on-demand/on-demand-service.ts';
import { listAudit } from '../../src/store/audit.ts';
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
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const SAMPLES = screenshotsDir();
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Issue 19 item 3 in the agent's browser (Debian's Chromium): from the customer page the agent opens
 * the letter form, fills the general letter's sections, previews the PDF (a new tab with the real
 * renderer's PDF) and sends it by post; the letter's viewer page verifies it and the customer's
 * timeline shows the letter and the agent's event. The form in en-GB and zh-CN, and the preview's
 * first page, go to docs/samples.
 */
describe('ad-hoc letter in the browser', () => {
  let temp: TempStore;
  let blobs: BlobStore;
  let service: OnDemandService;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let customer: Customer;

  beforeAll(async () => {
    temp = await openTempStore('letter-browser');
    blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    customer = channelCustomer(8, { name: '罗海燕', locale: 'zh-CN' });
    await upsertCustomers(temp.store.db, [customer]);
    await publishTemplatePackage(temp.store.db, path.join(ROOT, 'templates', 'general-letter'));
    await seedUsers(temp.store.db);
    service = createOnDemandService({
      db: temp.store.db,
      blobs,
      logger: createLogger('silent'),
      channels: {},
    });
    app = buildApp({ db: temp.store.db, blobs, onDemand: service, logger: createLogger('silent') });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromiumWithCjk(temp.dir);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await service?.close();
    await temp?.close();
  });

  const fill = async (page: Page) => {
    await page.fill(
      'textarea[name=section_body]',
      '感谢您今天致电。\n\n我们已注销旧卡，新卡将在五个工作日内寄到。',
    );
    await page.selectOption('select[name=section_closing]', 'confirmation');
    await page.fill('input[name=reason]', '客户要求书面确认');
  };

  it('an agent writes, previews and posts a letter; the viewer verifies it; the timeline shows it', async () => {
    const agent = await signedInPage(browser, base, 'agent1', { height: 1100, landing: /\/ui\/search/ });
    await agent.goto(`${base}/ui/customers/${customer.id}`);
    await Promise.all([agent.waitForURL(/\/letters\/new$/), agent.click('#new-letter')]);
    expect(await agent.textContent('h1')).toContain('罗海燕');
    await agent.fill('input[name=section_subject]', 'Your replacement card');
    await fill(agent);
    expect(await seriousViolations(agent)).toEqual([]);
    fs.mkdirSync(SAMPLES, { recursive: true });
    await agent.screenshot({ path: path.join(SAMPLES, 'letter-form.png'), fullPage: true });

    // Preview: the form posts to a new tab, which gets the PDF.
    const previewed = agent
      .context()
      .waitForEvent('response', { predicate: (r: Response) => r.url().endsWith('/letters/preview') });
    const [tab] = await Promise.all([agent.waitForEvent('popup'), agent.click('#letter-preview')]);
    const response = await previewed;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    await tab.close();
    // Chromium shows it in its PDF viewer; the same form posted again gives the bytes to check.
    const fields = Object.fromEntries(
      await agent.$$eval('#letter input, #letter textarea, #letter select', (els) =>
        els
          .filter(
            (e) =>
              (e as unknown as { type: string; checked: boolean }).type !== 'radio' ||
              (e as unknown as { checked: boolean }).checked,
          )
          .map((e) => [(e as unknown as { name: string }).name, (e as unknown as { value: string }).value]),
      ),
    ) as Record<string, string>;
    const again = await agent
      .context()
      .request.post(`${base}/ui/customers/${customer.id}/letters/preview`, { form: fields });
    expect(again.status()).toBe(200);
    const pdf = await again.body();
    expect(sha256(pdf)).toBe(response.headers()['x-missive-sha256']);
    const pdfPath = path.join(temp.dir, 'preview.pdf');
    fs.writeFileSync(pdfPath, pdf);
    expect(execFileSync('pdftotext', [pdfPath, '-']).toString()).toContain('尊敬的罗海燕：');
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      '-singlefile',
      pdfPath,
      path.join(SAMPLES, 'letter-preview'),
    ]);

    // Send by post: to the letter's verified viewer page.
    await Promise.all([agent.waitForURL(/\/communications\/[^/]+$/), agent.click('#letter-send')]);
    expect(await agent.textContent('#verified')).toBeTruthy();
    const letterId = agent.url().split('/').pop()!;
    const letter = (await getCommunication(temp.store.db, letterId))!;
    expect(letter).toMatchObject({ channel: 'print', status: 'archived' });
    expect(letter.artifactSha256).toBe(sha256(pdf));
    await agent.goto(`${base}/ui/customers/${customer.id}`);
    expect(await agent.locator(`#timeline tr[data-id="${letterId}"]`).count()).toBe(1);
    const event = agent.locator('#timeline tr[data-type="agent-letter"]');
    expect(await event.textContent()).toContain('客户要求书面确认');
    expect(await event.textContent()).toContain('agent1');
    const audit = await listAudit(temp.store.db, { limit: 500 });
    expect(audit.some((a) => a.action === 'communication.letter' && a.targetId === letterId)).toBe(true);

    // The same form in Chinese.
    await agent.goto(`${base}/ui/customers/${customer.id}/letters/new`);
    await Promise.all([agent.waitForURL(/\/letters\/new/), agent.click('a[lang="zh-CN"]')]);
    expect(await agent.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await agent.textContent('h1')).toContain('撰写信函');
    expect(await agent.textContent('#letter')).toContain('信函正文');
    await agent.fill('input[name=section_subject]', '补发银行卡确认');
    await fill(agent);
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.screenshot({ path: path.join(SAMPLES, 'letter-form-zh.png'), fullPage: true });
  }, 90_000);
});
