import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { brandForType } from '../../src/archive/index.ts';
import { renderForChannel } from '../../src/render/heavy.ts';
import { createDraftFromVersion, editDraftFiles } from '../../src/studio/workflow.ts';
import type { DocumentData } from '../../src/templates/index.ts';
import { loadPublishedTemplate } from '../../src/templates/load-published.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seedUsers } from '../support/api.ts';
import { launchChromium, seriousViolations, signedInPage } from '../support/browser.ts';
import { openTempStore, ROOT, type TempStore, testBatchDeps } from '../support/stores.ts';

const EN = 'From January, statements show your interest rate on the first page.';
const ZH = '自一月起，对账单第一页将显示您的利率。';

/**
 * Issue 21 items 1–2 in Debian's Chromium, canvas and forms only (no code view): a marketer opens the
 * monthly statement's canvas, chooses the intro block on the page, adds a paragraph after it in both
 * locales and submits; an admin approves; the published version's PDF (pdftotext) has the paragraph
 * in en-GB and in zh-CN.
 */
describe('studio canvas in Chromium: add a paragraph in both locales', () => {
  let temp: TempStore;
  let batch: ReturnType<typeof testBatchDeps>;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let firstVersion: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-canvas-ui');
    firstVersion = (await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`)).id;
    await seedUsers(temp.store.db);
    batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 10, concurrency: 1 });
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
    signedInPage(browser, base, user, { height: 1000, landing: /\/ui\// });
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  it('marketer adds a paragraph on the canvas and submits; an admin approves; the published PDF shows it in both locales', async () => {
    const errors: string[] = [];
    const page = await signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/ui/studio`);
    await page.selectOption('select[name=from]', firstVersion);
    await Promise.all([
      page.waitForURL(/\/ui\/studio\/drafts\/drf_/),
      page.click('form:has(select[name=from]) button'),
    ]);
    const draftUrl = page.url();
    await Promise.all([page.waitForURL(/\/canvas/), page.click('#canvas-link')]);

    // The canvas: the pages as images, a labelled, focusable box per body block.
    expect(await page.locator('.canvas-page img').count()).toBe(2);
    const intro = page.locator('.block-box[data-path="body[3]"]');
    expect(await intro.getAttribute('aria-label')).toContain('Here is your statement');
    await intro.focus();
    await Promise.all([page.waitForURL(/block=body%5B3%5D/), page.keyboard.press('Enter')]);

    // The text block's strings in every locale side by side, variables as chips, the contract's fields.
    expect(await page.locator('.text-form textarea').count()).toBe(2);
    expect(await page.locator('.text-form textarea[name="text.zh-CN"]').inputValue()).not.toBe('');
    expect(await page.locator('.text-form .chips .chip').count()).toBeGreaterThan(0);
    expect(await page.textContent('#contract-fields')).toContain('customer.name');

    await page.fill('#add-paragraph textarea[name="text.en-GB"]', EN);
    await page.fill('#add-paragraph textarea[name="text.zh-CN"]', ZH);
    await Promise.all([page.waitForURL(/done=added/), page.click('#add-paragraph-button')]);
    expect(await page.textContent('#canvas-message')).toBeTruthy();
    // The canvas shows the new block, chosen, with its text in both locales.
    const added = page.locator('.block-box.chosen');
    expect(await added.getAttribute('data-path')).toBe('body[4]');
    expect(await page.locator('.text-form textarea[name="text.en-GB"]').inputValue()).toBe(EN);
    expect(await page.locator('.text-form textarea[name="text.zh-CN"]').inputValue()).toBe(ZH);
    await expect
      .poll(() =>
        page
          .locator('.canvas-page img')
          .evaluateAll((imgs) =>
            (imgs as unknown as { complete: boolean; naturalWidth: number }[]).every(
              (i) => i.complete && i.naturalWidth > 0,
            ),
          ),
      )
      .toBe(true);
    if (shots) await page.screenshot({ path: `${shots}/studio-canvas.png`, fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(draftUrl);
    await Promise.all([page.waitForURL(/\/ui\/studio\/drafts\/drf_/), page.click('#submit-button')]);
    expect(await page.textContent('#draft-status')).toBe('submitted');

    const admin = await signedIn('admin1');
    await admin.goto(draftUrl);
    await Promise.all([admin.waitForURL(draftUrl), admin.click('#approve-button')]);
    expect(await admin.textContent('#draft-status')).toBe('published');
    const published = (await admin.textContent('#published-version'))!;
    expect(published).not.toBe(firstVersion);
    expect(errors).toEqual([]);

    const loaded = await loadPublishedTemplate(temp.store.db, published);
    const data = JSON.parse(loaded.files['sample-data.json'] ?? '{}') as DocumentData;
    const brand = await brandForType(temp.store.db, 'monthly-statement');
    for (const [locale, text] of [
      ['en-GB', EN],
      ['zh-CN', ZH],
    ] as const) {
      const { artifact } = await renderForChannel(loaded.template, 'print', data, {
        asOf: '2026-10-31',
        locale,
        brand,
      });
      const file = path.join(temp.dir, `published-${locale}.pdf`);
      fs.writeFileSync(file, artifact.bytes);
      const printed = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, '');
      expect(printed).toContain(text.replace(/\s+/g, ''));
    }
  }, 90_000);

  it('shows a missing translation as a badge on its block (zh-CN interface)', async () => {
    // Set-up, not the user's path: a draft whose zh-CN file lacks the intro (as a half-done code edit).
    const who = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' as const };
    const draft = await createDraftFromVersion(temp.store.db, who, firstVersion);
    const zh = JSON.parse(draft.files['locales/zh-CN.json'] ?? '{}') as Record<string, string>;
    delete zh.intro;
    await editDraftFiles(temp.store.db, who, draft.id, { 'locales/zh-CN.json': JSON.stringify(zh, null, 2) });

    const page = await signedIn('marketer1');
    await page.goto(`${base}/ui/studio/drafts/${draft.id}/canvas?locale=zh-CN`);
    await Promise.all([page.waitForURL(/canvas/), page.click('a[lang="zh-CN"]')]);
    const intro = page.locator('.block-box[data-path="body[3]"]');
    expect(await intro.locator('.badge').getAttribute('data-missing')).toBe('zh-CN');
    expect(await intro.getAttribute('aria-label')).toContain('zh-CN');
    await Promise.all([page.waitForURL(/block=body%5B3%5D/), intro.click()]);
    expect(await page.locator('.text-form textarea[name="text.zh-CN"]').inputValue()).toBe('');
    expect(await page.locator('.text-form textarea[name="text.en-GB"]').inputValue()).toMatch(
      /^Here is your/,
    );
    // The pages are drawn although a translation is missing (the canvas draws it from another locale).
    await expect
      .poll(() =>
        page
          .locator('.canvas-page img')
          .evaluateAll((imgs) =>
            (imgs as unknown as { complete: boolean; naturalWidth: number }[]).every(
              (i) => i.complete && i.naturalWidth > 0,
            ),
          ),
      )
      .toBe(true);
    if (shots) {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: `${shots}/studio-canvas-missing-zh.png`, fullPage: false });
    }
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);
});
