import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { seedUsers } from '../support/api.ts';
import { launchChromium, signedInPage } from '../support/browser.ts';
import {
  importBankCustomers,
  openTempStore,
  ROOT,
  type TempStore,
  testBatchDeps,
} from '../support/stores.ts';

/**
 * Issue 21's acceptance for item 4 in Debian's Chromium, forms only (no code view): a marketer makes
 * a new letter from the letter starter, submits it, is told who may approve; an admin approves; a run
 * of the new type prints the starter's text (pdftotext of the archived PDFs).
 */
describe('studio in Chromium: a new letter from a starter', () => {
  let temp: TempStore;
  let batch: ReturnType<typeof testBatchDeps>;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    temp = await openTempStore('studio-new-ui');
    await importBankCustomers(temp.store, path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'));
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
    signedInPage(browser, base, user, { height: 900, landing: /\/ui\// });
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  it('marketer creates a letter from the starter and submits it; an admin approves; a run prints its text', async () => {
    const errors: string[] = [];
    const page = await signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/ui/studio`);
    await Promise.all([page.waitForURL(/\/ui\/studio\/new$/), page.click('#new-template-link')]);
    expect(await page.locator('.starter').count()).toBe(6);
    await expect
      .poll(() =>
        page
          .locator('img.starter-thumb')
          .evaluateAll((imgs) =>
            (imgs as unknown as { complete: boolean; naturalWidth: number }[]).every(
              (i) => i.complete && i.naturalWidth > 0,
            ),
          ),
      )
      .toBe(true);

    // A name that breaks the slug rules comes back on the same page, naming the field.
    await page.click('.starter[data-starter="letter"]');
    await page.fill('#template-name', 'Welcome Letter');
    await Promise.all([page.waitForURL(/\/ui\/studio\/new$/), page.click('#create-template')]);
    expect(await page.textContent('[role=alert]')).toMatch(/^name: /);
    if (shots) await page.screenshot({ path: `${shots}/studio-new-gallery.png`, fullPage: true });
    // The gallery in Chinese: every label of the page, the starters' first pages in zh-CN.
    const zh = await signedIn('marketer1');
    await zh.goto(`${base}/ui/lang?to=zh-CN&next=${encodeURIComponent('/ui/studio/new')}`);
    await zh.waitForURL(/\/ui\/studio\/new$/);
    expect(await zh.textContent('h1')).toContain('新建模板');
    expect(await zh.textContent('.starter[data-starter="bill"]')).toContain('账单');
    if (shots) {
      await zh.waitForFunction(() => {
        const imgs = (globalThis as unknown as { document: { images: ArrayLike<{ complete: boolean }> } })
          .document.images;
        return Array.from(imgs).every((i) => i.complete);
      });
      await zh.screenshot({ path: `${shots}/studio-new-gallery-zh.png`, fullPage: true });
    }

    await page.click('.starter[data-starter="letter"]');
    await page.fill('#template-name', 'welcome-letter');
    await page.selectOption('#data-source', '');
    await Promise.all([page.waitForURL(/\/ui\/studio\/drafts\/drf_/), page.click('#create-template')]);
    expect(await page.textContent('h1')).toContain('welcome-letter');
    await page.waitForSelector('#pages img');
    expect(await page.textContent('#print-pages')).toBe('1');

    // Proofs before submitting: the page at 150 dpi, zoomed to its pixels; the proof set.
    const editorUrl = page.url();
    await Promise.all([page.waitForURL(/\/proofs$/), page.click('#proofs-link')]);
    expect(await page.textContent('#proof-pages')).toBe('1');
    await expect
      .poll(() =>
        page
          .locator('img.proof-page')
          .evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(1200);
    if (shots) await page.screenshot({ path: `${shots}/studio-proofs.png` });
    await page.click('[data-zoom="100"]');
    expect(
      await page.locator('img.proof-page').evaluate((i) => (i as unknown as { width: number }).width),
    ).toBeGreaterThan(1200);
    await Promise.all([page.waitForURL(/\/proof-set$/), page.click('#proof-set-link')]);
    const cases = await page
      .locator('.proof-case')
      .evaluateAll((els) =>
        (els as unknown as { dataset: { case: string; locale: string } }[]).map(
          (e) => `${e.dataset.case}/${e.dataset.locale}`,
        ),
      );
    expect(cases).toEqual(expect.arrayContaining(['sample/en-GB', 'sample/zh-CN']));
    expect(cases.some((c) => c.startsWith('longest-name/'))).toBe(true);
    await expect
      .poll(() =>
        page
          .locator('.proof-case img')
          .evaluateAll((imgs) =>
            (imgs as unknown as { complete: boolean; naturalWidth: number }[]).every(
              (i) => i.complete && i.naturalWidth > 0,
            ),
          ),
      )
      .toBe(true);
    if (shots) await page.screenshot({ path: `${shots}/studio-proof-set.png`, fullPage: true });
    await page.goto(editorUrl);

    await Promise.all([page.waitForURL(/\/ui\/studio\/drafts\/drf_/), page.click('#submit-button')]);
    expect(await page.textContent('#draft-status')).toBe('submitted');
    expect(await page.locator('#approve-button').count()).toBe(0);
    expect(await page.textContent('#may-approve')).toContain('admin1');
    const draftUrl = page.url();

    const admin = await signedIn('admin1');
    await admin.goto(draftUrl);
    await Promise.all([admin.waitForURL(draftUrl), admin.click('#approve-button')]);
    expect(await admin.textContent('#draft-status')).toBe('published');
    const published = (await admin.textContent('#published-version'))!;
    expect(published).toMatch(/^welcome-letter@[0-9a-f]{12}$/);
    // The only console error is the refused name's own 400 page load.
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);

    // The new type runs like any other (as `missive run welcome-letter` does).
    const outcome = await executeRun(batch.deps, {
      communicationType: 'welcome-letter',
      templateVersionId: published,
      asOf: '2026-10-31',
      source: 'store:all',
    });
    const rows = (await listCommunicationsForRun(temp.store.db, outcome.runId)).filter(
      (r) => r.channel === 'print' && r.artifactSha256,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.templateVersionId === published)).toBe(true);
    const texts: string[] = [];
    for (const [n, row] of rows.entries()) {
      const file = path.join(temp.dir, `welcome-${n}.pdf`);
      fs.writeFileSync(file, await batch.deps.blobs.get(row.artifactSha256!));
      texts.push(execFileSync('pdftotext', [file, '-']).toString());
    }
    // Each customer's letter in their language: the starter's text in both locales.
    expect(texts.some((t) => t.includes('We are writing to you about your account'))).toBe(true);
    expect(texts.some((t) => t.includes('Thank you for being our customer.'))).toBe(true);
    expect(texts.some((t) => t.includes('关于您账户的通知'))).toBe(true);
  }, 90_000);
});
