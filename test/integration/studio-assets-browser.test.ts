import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { previewOffers } from '../../src/rules/index.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listAudit } from '../../src/store/audit.ts';
import { getCustomer } from '../../src/store/customers.ts';
import { listStudioAssets } from '../../src/store/index.ts';
import { getLatestTemplateVersion } from '../../src/store/templates.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { launchChromium, seriousViolations, signedInPage } from '../support/browser.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 21, "add an offer picture", only through the studio's forms in Debian's Chromium: a marketer
 * uploads a picture (an unsafe SVG is refused on the page), adds it to a draft of the statement and
 * submits; an admin approves the draft and, on the offer editor, gives the offer that picture and
 * publishes the catalog. The statement's PDF then carries the picture in the offer slot (extracted
 * with pdfimages, its colour checked) and the e-mail carries it as an <img>.
 */
const MAGENTA = { r: 208, g: 32, b: 140 };

describe('studio image library in Chromium', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let firstVersion: string;
  let customerId: string;
  let offerId: string;
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  beforeAll(async () => {
    temp = await openTempStore('studio-assets-ui');
    const customers = await importBankCustomers(
      temp.store,
      path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv'),
    );
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    firstVersion = (await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`)).id;
    tokens = await seedUsers(temp.store.db);
    // A customer whose statement and e-mail both show an offer in the first slot: that offer gets the picture.
    for (const c of customers) {
      const customer = (await getCustomer(temp.store.db, c.id))!;
      const req = { communicationType: 'monthly-statement', asOf: '2026-10-31' } as const;
      const print = await previewOffers(temp.store.db, customer, { ...req, channel: 'print' });
      const email = await previewOffers(temp.store.db, customer, { ...req, channel: 'email' });
      if (print[0] && email[0] && print[0].id === email[0].id) {
        customerId = c.id;
        offerId = print[0].id;
        break;
      }
    }
    app = buildApp({ db: temp.store.db });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await temp?.close();
  });

  const signedIn = (user: string): Promise<Page> =>
    signedInPage(browser, base, user, { height: 900, landing: /\/ui\// });

  async function upload(page: Page, name: string, buffer: Buffer, mimeType: string): Promise<void> {
    await page.setInputFiles('#asset-file', { name, mimeType, buffer });
    await Promise.all([
      page.waitForLoadState('load'),
      page.waitForURL(/\/ui\/studio\/assets/),
      page.click('#asset-upload'),
    ]);
  }

  it('upload → template draft → four eyes → offer picture: the statement PDF and the e-mail show it', async () => {
    expect(customerId, 'a customer with the same first offer on print and e-mail').toBeDefined();
    const errors: string[] = [];
    const page = await signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    await Promise.all([page.waitForURL(/\/ui\/studio$/), page.goto(`${base}/ui/studio`)]);
    await Promise.all([page.waitForURL(/\/ui\/studio\/assets$/), page.click('#assets-link')]);

    // An SVG with a script and an onload handler is refused, saying why; nothing is stored.
    const evil =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script></svg>';
    await upload(page, 'evil.svg', Buffer.from(evil), 'image/svg+xml');
    expect(await page.textContent('#asset-error')).toBe(
      'evil.svg is not a safe SVG: it has a <script> element; it has an event handler attribute (onload=)',
    );
    expect(await listStudioAssets(temp.store.db)).toEqual([]);

    // The picture, named .jpg although it is a PNG: stored as the PNG it is.
    const picture = await sharp({ create: { width: 240, height: 120, channels: 3, background: MAGENTA } })
      .png()
      .toBuffer();
    await upload(page, 'Savings Star.jpg', picture, 'image/jpeg');
    expect(await page.textContent('#asset-done')).toContain('savings-star.png');
    const row = page.locator('tr[data-asset="savings-star.png"]');
    expect(await row.locator('td').nth(2).textContent()).toContain('240 × 120 px');
    await expect
      .poll(() =>
        row.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(240);
    expect(await seriousViolations(page)).toEqual([]);

    // A draft of the statement (the studio's form), the picture added to its offer pictures, submitted.
    await page.goto(`${base}/ui/studio`);
    await page.selectOption('select[name=from]', firstVersion);
    await Promise.all([
      page.waitForURL(/\/ui\/studio\/drafts\/drf_/),
      page.click('form:has(select[name=from]) button'),
    ]);
    const draftUrl = page.url();
    const draftId = draftUrl.split('/').at(-1)!;
    await page.goto(`${base}/ui/studio/assets`);
    await row.locator('select[name=draft]').selectOption(draftId);
    await row.locator('select[name=folder]').selectOption('images/offers');
    await Promise.all([page.waitForURL(/added=/), row.locator('button', { hasText: /Add/ }).click()]);
    expect(await page.textContent('#asset-done')).toContain('images/offers/savings-star.png.b64');
    if (shots) await page.screenshot({ path: `${shots}/studio-assets.png`, fullPage: true });
    await page.goto(draftUrl);
    await Promise.all([page.waitForURL(draftUrl), page.click('#submit-button')]);
    expect(await page.textContent('#draft-status')).toBe('submitted');

    // Another person approves; the same admin then gives the offer the picture on its editor.
    const admin = await signedIn('admin1');
    await admin.goto(draftUrl);
    await Promise.all([admin.waitForURL(draftUrl), admin.click('#approve-button')]);
    expect(await admin.textContent('#draft-status')).toBe('published');
    const published = (await getLatestTemplateVersion(temp.store.db, 'monthly-statement'))!;
    expect(published.id).not.toBe(firstVersion);

    await admin.goto(`${base}/ui/studio/offers/${offerId}`);
    await admin.selectOption('#offer-picture-asset', 'savings-star.png');
    await Promise.all([admin.waitForURL(/published=/), admin.click('#offer-picture-publish')]);
    expect(await admin.textContent('#offer-published')).toMatch(/bank@[0-9a-f]{12}/);
    expect(await admin.inputValue('#offer-picture-asset')).toBe('savings-star.png');
    if (shots) await admin.screenshot({ path: `${shots}/studio-offer-picture.png`, fullPage: true });
    const actions = (await listAudit(temp.store.db, {})).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['studio.asset.upload', 'studio.offer.publish']));

    // The published statement for that customer: the picture in the offer slot of the PDF…
    const pdf = await app.inject({
      method: 'POST',
      url: '/api/preview',
      headers: bearer(tokens.marketer),
      payload: { template: 'monthly-statement', channel: 'print', customerId, asOf: '2026-10-31' },
    });
    expect(pdf.statusCode).toBe(200);
    const dir = fs.mkdtempSync(path.join(temp.dir, 'pdf-'));
    fs.writeFileSync(path.join(dir, 'statement.pdf'), pdf.rawPayload);
    execFileSync('pdfimages', ['-png', path.join(dir, 'statement.pdf'), path.join(dir, 'img')]);
    const found: string[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.png'))) {
      const { data, info } = await sharp(path.join(dir, file))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const [r, g, b] = data.subarray(0, 3);
      if (
        info.width === 240 &&
        info.height === 120 &&
        r === MAGENTA.r &&
        g === MAGENTA.g &&
        b === MAGENTA.b
      ) {
        found.push(file);
      }
    }
    expect(found).toHaveLength(1);
    if (shots) {
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '80',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        path.join(dir, 'statement.pdf'),
        path.join(shots, 'studio-offer-picture-statement'),
      ]);
    }
    // …and in the e-mail, as an <img> whose data is the stored picture.
    const email = await app.inject({
      method: 'POST',
      url: '/api/preview',
      headers: bearer(tokens.marketer),
      payload: { template: 'monthly-statement', channel: 'email', customerId, asOf: '2026-10-31' },
    });
    expect(email.statusCode).toBe(200);
    const [stored] = await listStudioAssets(temp.store.db);
    const bytes = (await app.inject({ method: 'GET', url: `/ui/studio/assets/${stored!.sha256}.png` }))
      .statusCode;
    expect(bytes).toBe(303); // the library's images are for signed-in studio users only
    const html = (email.json() as { html: string }).html.replace(/&#x3D;/g, '=');
    const pictures: string[] = [];
    for (const m of html.matchAll(/<img[^>]+src="data:image\/png;base64,([^"]+)"/g)) {
      const shown = await sharp(Buffer.from(m[1]!, 'base64'))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (
        shown.info.width === 240 &&
        [...shown.data.subarray(0, 3)].join() === [MAGENTA.r, MAGENTA.g, MAGENTA.b].join()
      ) {
        pictures.push(m[1]!);
      }
    }
    expect(pictures).toHaveLength(1);
    expect(errors).toEqual([]);
  }, 120_000);

  it('a new offer from the form (texts in both languages, the library picture) reaches the statement', async () => {
    const admin = await signedIn('admin1');
    await admin.goto(`${base}/ui/studio/assets`);
    await Promise.all([admin.waitForURL(/\/ui\/studio\/offers-new$/), admin.click('#new-offer-link')]);
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.fill('#id', 'star-saver');
    const texts = {
      'en-GB': [
        'Star Saver',
        'Save with a star',
        'Four per cent on your first year of savings.',
        'Start saving',
      ],
      'zh-CN': ['明星储蓄', '明星储蓄计划', '首年储蓄享百分之四利率。', '立即储蓄'],
    };
    for (const [locale, [name, headline, body, label]] of Object.entries(texts)) {
      await admin.fill(`#name-${locale}`, name!);
      await admin.fill(`#headline-${locale}`, headline!);
      await admin.fill(`#body-${locale}`, body!);
      await admin.fill(`#ctaLabel-${locale}`, label!);
      await admin.fill(`#ctaUrl-${locale}`, 'https://bank.example/star');
    }
    await admin.selectOption('#new-offer-picture', 'savings-star.png');
    await admin.fill('#weight', 'lots');
    await Promise.all([admin.waitForLoadState('load'), admin.click('#new-offer-publish')]);
    expect(await admin.textContent('#offer-error')).toBe('weight: a positive number');
    expect(await admin.inputValue('#headline-en-GB')).toBe('Save with a star'); // the form comes back filled
    await admin.fill('#weight', '50');
    await Promise.all([
      admin.waitForURL(/\/ui\/studio\/offers\/star-saver\?published=/),
      admin.click('#new-offer-publish'),
    ]);
    if (shots) await admin.goto(`${base}/ui/studio/offers-new`);
    if (shots) await admin.screenshot({ path: `${shots}/studio-new-offer.png`, fullPage: true });

    const pdf = await app.inject({
      method: 'POST',
      url: '/api/preview',
      headers: bearer(tokens.marketer),
      payload: {
        template: 'monthly-statement',
        channel: 'print',
        customerId,
        asOf: '2026-10-31',
        locale: 'en-GB',
      },
    });
    expect(pdf.statusCode).toBe(200);
    const file = path.join(temp.dir, 'new-offer.pdf');
    fs.writeFileSync(file, pdf.rawPayload);
    // Offer texts come in the customer's language.
    expect(execFileSync('pdftotext', [file, '-']).toString()).toMatch(/Save with a star|明星储蓄计划/);
    expect(execFileSync('pdfimages', ['-list', file]).toString()).toMatch(/\s240\s+120\s/);
  }, 120_000);
});
