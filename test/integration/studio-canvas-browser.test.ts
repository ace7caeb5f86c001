import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftFromVersion, editDraftFiles } from '../../src/studio/workflow.ts';
import { seriousViolations } from '../support/browser.ts';
import {
  canvasImagesLoaded,
  newDraftFrom,
  openStudioBrowser,
  publishedPdfText,
  type StudioBrowser,
  submitAndApprove,
} from '../support/studio-browser.ts';

const EN = 'From January, statements show your interest rate on the first page.';
const ZH = '自一月起，对账单第一页将显示您的利率。';

/**
 * Issue 21 items 1–2 in Debian's Chromium, canvas and forms only (no code view): a marketer opens the
 * monthly statement's canvas, chooses the intro block on the page, adds a paragraph after it in both
 * locales and submits; an admin approves; the published version's PDF (pdftotext) has the paragraph
 * in en-GB and in zh-CN.
 */
describe('studio canvas in Chromium: add a paragraph in both locales', () => {
  let studio: StudioBrowser;
  let base: string;
  let firstVersion: string;

  beforeAll(async () => {
    studio = await openStudioBrowser('studio-canvas-ui');
    ({ base, firstVersion } = studio);
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
  });

  const signedIn = (user: string): Promise<Page> => studio.signedIn(user);
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  it('marketer adds a paragraph on the canvas and submits; an admin approves; the published PDF shows it in both locales', async () => {
    const errors: string[] = [];
    const page = await signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const draftUrl = await newDraftFrom(page, base, firstVersion);
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
    await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
    if (shots) await page.screenshot({ path: `${shots}/studio-canvas.png`, fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);

    const admin = await signedIn('admin1');
    const published = await submitAndApprove(page, admin, draftUrl);
    expect(published).not.toBe(firstVersion);
    expect(errors).toEqual([]);

    for (const [locale, text] of [
      ['en-GB', EN],
      ['zh-CN', ZH],
    ] as const) {
      const printed = (await publishedPdfText(studio.temp, published, locale)).replace(/\s+/g, '');
      expect(printed).toContain(text.replace(/\s+/g, ''));
    }
  }, 90_000);

  it('shows a missing translation as a badge on its block (zh-CN interface)', async () => {
    // Set-up, not the user's path: a draft whose zh-CN file lacks the intro (as a half-done code edit).
    const who = { actor: 'user:marketer1', user: 'marketer1', role: 'marketer' as const };
    const draft = await createDraftFromVersion(studio.temp.store.db, who, firstVersion);
    const zh = JSON.parse(draft.files['locales/zh-CN.json'] ?? '{}') as Record<string, string>;
    delete zh.intro;
    await editDraftFiles(studio.temp.store.db, who, draft.id, {
      'locales/zh-CN.json': JSON.stringify(zh, null, 2),
    });

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
    await expect.poll(() => canvasImagesLoaded(page)).toBe(true);
    if (shots) {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: `${shots}/studio-canvas-missing-zh.png`, fullPage: false });
    }
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);
});
