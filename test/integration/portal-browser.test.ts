import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import PDFDocument from 'pdfkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { archiveDocument } from '../../src/archive/ledger.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { makeArtifact } from '../../src/render/artifact.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { getCustomer, upsertCustomers } from '../../src/store/customers.ts';
import { saveDecisionIfAbsent } from '../../src/store/decisions.ts';
import { listEvents } from '../../src/store/events.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { screenshotsDir, seriousViolations } from '../support/browser.ts';
import { type PortalSinks, smsCode, startPortalApp, startPortalSinks, testClock } from '../support/portal.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';
import { testBrandSource } from '../support/test-brand.ts';

const SAMPLES = screenshotsDir();

/**
 * Debian's Chromium with the Noto Sans SC of the npm package visible through a private fontconfig
 * file (NOTES.md), so the Chinese pages are drawn with real glyphs in the screenshots.
 */
function launchChromiumWithCjk(dir: string): Promise<Browser> {
  const fontDir = path.dirname(
    createRequire(import.meta.url).resolve(
      '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
    ),
  );
  const conf = path.join(dir, 'fonts.conf');
  fs.writeFileSync(
    conf,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>${fontDir}</dir><include ignore_missing="yes">/etc/fonts/fonts.conf</include><cachedir>${dir}/fc-cache</cachedir></fontconfig>`,
  );
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
    env: { ...process.env, FONTCONFIG_FILE: conf },
  });
}

/** A small real statement PDF (pdfkit), so the browser has a document to open. */
function statementPdf(customer: Customer, month: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', info: { CreationDate: new Date('2026-11-01T00:00:00Z') } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.fontSize(18).text(`Statement — ${month}`).moveDown().fontSize(11).text(`Customer ${customer.id}`);
    doc.end();
  });
}

/**
 * Issue 20's customer path in Debian's Chromium at 375 px (a phone) and 1280 px: sign in with the
 * code captured at the SMS sink, open the statement (the archive's sha256), switch to paperless,
 * decline an offer, sign out; axe-core finds nothing serious; screenshots in docs/samples/.
 */
describe('customer portal in Chromium', () => {
  let temp: TempStore;
  let sinks: PortalSinks;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let customer: Customer;
  let statement: { id: string; sha256: string };
  let fontconfigDir: string;

  beforeAll(async () => {
    temp = await openTempStore('portal-browser');
    const blobs = createFsBlobStore(path.join(temp.dir, 'archive'));
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    customer = {
      ...synthesizeIdentity('W0001', { locale: 'en-GB' }),
      eDelivery: false,
      traits: { balance: 2400 },
    };
    await upsertCustomers(temp.store.db, [customer]);
    for (const [i, asOf] of ['2026-09-30', '2026-10-31'].entries()) {
      const runId = `run_statement_${asOf}`;
      await createRunIfAbsent(temp.store.db, {
        id: runId,
        communicationType: 'monthly-statement',
        templateVersionId: 'monthly-statement@test',
        asOf,
        source: 'store:all',
        status: 'completed',
      });
      const artifact = makeArtifact(await statementPdf(customer, asOf.slice(0, 7)), 'application/pdf', {
        pages: 1,
      });
      const { communicationId } = await archiveDocument(temp.store.db, blobs, {
        runId,
        customerId: customer.id,
        channel: 'print',
        templateVersionId: 'monthly-statement@test',
        inputSha256: 'input',
        artifact,
      });
      await temp.store.db
        .updateTable('communications')
        .set({ created_at: `${asOf}T20:00:00.000Z` })
        .where('id', '=', communicationId)
        .execute();
      await saveDecisionIfAbsent(temp.store.db, {
        runId,
        customerId: customer.id,
        communicationType: 'monthly-statement',
        catalogVersion: 'bank@latest',
        modelVersion: 'm1',
        seed: 'seed',
        holdout: false,
        decision: {
          segment: 'all',
          offers: [{ offerId: i === 0 ? 'education-fund' : 'term-deposit', slot: 0 }],
        },
      });
      statement = { id: communicationId, sha256: artifact.sha256 };
    }
    sinks = await startPortalSinks();
    ({ app, base } = await startPortalApp({
      db: temp.store.db,
      blobs,
      sinks,
      clock: testClock(new Date().toISOString()),
      brand: testBrandSource('bank'), // the brand's colour and logo (axe checks the contrast)
    }));
    fontconfigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-portal-fc-'));
    browser = await launchChromiumWithCjk(fontconfigDir);
    fs.mkdirSync(SAMPLES, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sinks?.close();
    await temp?.close();
    if (fontconfigDir) fs.rmSync(fontconfigDir, { recursive: true, force: true });
  });

  it('375 px: sign in with the SMS code, open the statement, go paperless, decline an offer, sign out', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-GB' });
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(SAMPLES, `portal-${name}.png`), fullPage: true });
    const violations: Record<string, string[]> = {};
    const check = async (name: string) => {
      violations[name] = await seriousViolations(page);
    };

    await page.goto(`${base}/portal`);
    expect(new URL(page.url()).pathname).toBe('/portal/sign-in');
    // Focus order: skip link, the bar (brand, languages), then the form's fields and its button.
    const order: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate<string>(
          "(() => { const el = document.activeElement; return el?.id || el?.getAttribute('name') || el?.textContent?.trim() || ''; })()",
        ),
      );
    }
    expect(order.slice(0, 7)).toEqual([
      'Skip to content',
      'My documents',
      'English',
      '中文',
      'identifier',
      'channel',
      'Send me a code',
    ]);
    await check('sign-in');
    await shot('sign-in-375');

    const before = sinks.twilio.messages.filter((m) => m.to === customer.phone).length;
    await page.fill('#identifier', customer.id);
    await Promise.all([
      page.waitForURL(/\/portal\/sign-in\/code$/),
      page.click('#start button[type=submit]'),
    ]);
    const code = await smsCode(sinks, customer.phone!, before + 1);
    await check('code');
    await page.fill('#code', code);
    await Promise.all([page.waitForURL(/\/portal\/documents$/), page.click('#verify button[type=submit]')]);
    const items = page.locator('#documents li');
    expect(await items.count()).toBe(2);
    expect(await items.first().textContent()).toContain('Statement · October 2026');
    await check('documents');
    await shot('documents-375');

    await Promise.all([page.waitForURL(/\/portal\/documents\/[^/]+$/), items.first().locator('a').click()]);
    expect(await page.locator('#verified').isVisible()).toBe(true);
    expect(await page.textContent('#sha256')).toBe(statement.sha256);
    const pdf = await page.request.get(`${base}/portal/documents/${statement.id}/file`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['x-missive-sha256']).toBe(statement.sha256);
    expect(
      createHash('sha256')
        .update(await pdf.body())
        .digest('hex'),
    ).toBe(statement.sha256);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await check('document');
    await shot('statement-375');

    await Promise.all([
      page.waitForURL(/\/portal\/preferences$/),
      page.click('nav a[href="/portal/preferences"]'),
    ]);
    expect(await page.isChecked('#paperless')).toBe(false);
    await page.check('#paperless');
    await Promise.all([page.waitForURL(/saved=1$/), page.click('#preferences button[type=submit]')]);
    expect(await page.locator('#saved').isVisible()).toBe(true);
    expect(await page.isChecked('#paperless')).toBe(true);
    expect((await getCustomer(temp.store.db, customer.id))!.eDelivery).toBe(true);
    await check('preferences');
    await shot('preferences-375');

    await Promise.all([page.waitForURL(/\/portal\/offers$/), page.click('nav a[href="/portal/offers"]')]);
    const offer = page.locator('article[data-offer="term-deposit"]');
    await Promise.all([
      page.waitForURL(/\/portal\/offers$/),
      offer.locator('button[value="not-for-me"]').click(),
    ]);
    expect(await page.locator('article[data-offer="term-deposit"]').textContent()).toContain('not for you');
    const declines = (await listEvents(temp.store.db, { customerId: customer.id })).filter(
      (e) => e.type === 'disposition' && e.offerId === 'term-deposit',
    );
    expect(declines).toHaveLength(1);
    await check('offers');
    await shot('offers-375');

    await Promise.all([page.waitForURL(/\/portal\/offers$/), page.click('a[lang="zh-CN"]')]);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await Promise.all([
      page.waitForURL(/\/portal\/documents$/),
      page.click('nav a[href="/portal/documents"]'),
    ]);
    expect(await page.locator('#documents li').first().textContent()).toContain('对账单 · 2026年10月');
    await check('documents-zh');
    await shot('documents-zh-375');
    await page.click('a[lang="en-GB"]');

    await Promise.all([page.waitForURL(/\/portal\/sign-in\?signedOut=1$/), page.click('.sign-out button')]);
    expect(await page.locator('[role=status]').first().textContent()).toContain('signed out');
    await page.goto(`${base}/portal/documents`);
    expect(new URL(page.url()).pathname).toBe('/portal/sign-in');
    expect(Object.values(violations).flat(), JSON.stringify(violations)).toEqual([]);
    await context.close();
  });

  it('1280 px: the same documents page on a desktop', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/portal/sign-in`);
    const before = sinks.twilio.messages.filter((m) => m.to === customer.phone).length;
    await page.fill('#identifier', customer.email!);
    await Promise.all([page.waitForURL(/\/code$/), page.click('#start button[type=submit]')]);
    await page.fill('#code', await smsCode(sinks, customer.phone!, before + 1));
    await Promise.all([page.waitForURL(/\/portal\/documents$/), page.click('#verify button[type=submit]')]);
    await page.click('#documents li a');
    await page.waitForURL(/\/portal\/documents\/[^/]+$/);
    expect(await page.textContent('#sha256')).toBeTruthy();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SAMPLES, 'portal-statement-1280.png') });
    await context.close();
  });
});
