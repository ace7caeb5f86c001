import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { brandForType } from '../../src/archive/index.ts';
import { renderForChannel } from '../../src/render/heavy.ts';
import type { DocumentData } from '../../src/templates/index.ts';
import { loadPublishedTemplate } from '../../src/templates/load-published.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { seedUsers } from './api.ts';
import { launchChromium, launchChromiumWithCjk, signedInPage } from './browser.ts';
import { openTempStore, ROOT, type TempStore, testBatchDeps } from './stores.ts';

/**
 * What the studio's Chromium tests share (issue 21): a temp store with the UI users and the shipped
 * monthly statement published, batch deps on the test Redis, the API listening on loopback and
 * Debian's Chromium; users sign in through the login form; a draft is made from a version on the
 * studio page and goes through submit and an admin's approval on the draft page.
 */
export interface StudioBrowser {
  temp: TempStore;
  batch: ReturnType<typeof testBatchDeps>;
  app: FastifyInstance;
  /** The API's base URL, e.g. http://127.0.0.1:40123 */
  base: string;
  browser: Browser;
  /** The shipped monthly statement's published version. */
  firstVersion: string;
  signedIn(user: string): Promise<Page>;
  close(): Promise<void>;
}

export async function openStudioBrowser(
  prefix: string,
  options: {
    trackingKey?: Uint8Array;
    height?: number;
    /** Chromium with the npm package's Noto Sans SC (Chinese inside frames whose CSP loads no font). */
    cjk?: boolean;
  } = {},
): Promise<StudioBrowser> {
  const temp = await openTempStore(prefix);
  const firstVersion = (await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`))
    .id;
  await seedUsers(temp.store.db);
  const batch = testBatchDeps(temp.store, temp.dir, { chunkSize: 10, concurrency: 1 });
  const app = buildApp({
    db: temp.store.db,
    blobs: batch.deps.blobs,
    ...(options.trackingKey ? { feedback: { trackingKey: options.trackingKey } } : {}),
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = options.cjk ? await launchChromiumWithCjk(temp.dir) : await launchChromium();
  return {
    temp,
    batch,
    app,
    base,
    browser,
    firstVersion,
    signedIn: (user) =>
      signedInPage(browser, base, user, { height: options.height ?? 1000, landing: /\/ui\// }),
    close: async () => {
      await browser.close();
      await app.close();
      await batch.close();
      await temp.close();
    },
  };
}

/** A new draft from a published version, made on the studio page; returns the draft page's URL. */
export async function newDraftFrom(page: Page, base: string, versionId: string): Promise<string> {
  await page.goto(`${base}/ui/studio`);
  await page.selectOption('select[name=from]', versionId);
  await Promise.all([
    page.waitForURL(/\/ui\/studio\/drafts\/drf_/),
    page.click('form:has(select[name=from]) button'),
  ]);
  return page.url();
}

/** Whether every page image of the canvas has loaded. */
export function canvasImagesLoaded(page: Page): Promise<boolean> {
  return page
    .locator('.canvas-page img')
    .evaluateAll((imgs) =>
      (imgs as unknown as { complete: boolean; naturalWidth: number }[]).every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
}

/**
 * The four-eyes path on the draft page: the marketer's page submits the draft, the admin's page
 * approves it. Returns the published version's id.
 */
export async function submitAndApprove(marketer: Page, admin: Page, draftUrl: string): Promise<string> {
  await marketer.goto(draftUrl);
  await Promise.all([marketer.waitForURL(/\/ui\/studio\/drafts\/drf_/), marketer.click('#submit-button')]);
  expect(await marketer.textContent('#draft-status')).toBe('submitted');
  await admin.goto(draftUrl);
  await Promise.all([admin.waitForURL(draftUrl), admin.click('#approve-button')]);
  expect(await admin.textContent('#draft-status')).toBe('published');
  const published = await admin.textContent('#published-version');
  expect(published).toBeTruthy();
  return published ?? '';
}

/**
 * A published version's print document for its sample data (or what `options.data` makes of it) in a
 * locale, as pdftotext reads it (`layout`: with -layout, a line's columns kept together).
 */
export async function publishedPdfText(
  temp: TempStore,
  versionId: string,
  locale: string,
  options: { layout?: boolean; data?: (sample: DocumentData) => DocumentData } = {},
): Promise<string> {
  const loaded = await loadPublishedTemplate(temp.store.db, versionId);
  const sample = JSON.parse(loaded.files['sample-data.json'] ?? '{}') as DocumentData;
  const data = options.data ? options.data(sample) : sample;
  const brand = await brandForType(temp.store.db, loaded.template.name);
  const { artifact } = await renderForChannel(loaded.template, 'print', data, {
    asOf: '2026-10-31',
    locale,
    brand,
  });
  const file = path.join(temp.dir, `published-${versionId.replace(/\W/g, '_')}-${locale}.pdf`);
  fs.writeFileSync(file, artifact.bytes);
  return execFileSync('pdftotext', [...(options.layout ? ['-layout'] : []), file, '-']).toString();
}
