import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listAudit } from '../../src/store/audit.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { launchChromium, seriousViolations, signedInPage } from '../support/browser.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

/**
 * Issue 21, "change the brand colour", only through the studio's brand form in Debian's Chromium: a
 * marketer proposes a new primary colour, cannot approve it herself, an admin approves; the statement's
 * PDF (pixels of its first page) and its e-mail (the HTML's colours) both change, because print.yaml
 * and the MJML read the same brand.yaml. The template version is the same before and after.
 */
const OLD = '#0b3d6e';
const NEW = '#8a1538';

async function pixelsNear(pdf: Buffer, hex: string, dir: string): Promise<number> {
  const file = path.join(dir, `p-${hex.slice(1)}-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', file, file]);
  const { data } = await sharp(`${file}.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  let n = 0;
  for (let i = 0; i < data.length; i += 3) {
    if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) <= 12) n += 1;
  }
  return n;
}

describe('studio brand theme in Chromium', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let tokens: Awaited<ReturnType<typeof seedUsers>>;
  let brandsDir: string;
  const savedBrandsDir = process.env.MISSIVE_BRANDS_DIR;
  const shots = process.env.MISSIVE_UI_SCREENSHOTS;

  beforeAll(async () => {
    temp = await openTempStore('studio-brand-ui');
    brandsDir = path.join(temp.dir, 'brands');
    fs.cpSync(path.join(ROOT, 'brands'), brandsDir, { recursive: true });
    process.env.MISSIVE_BRANDS_DIR = brandsDir;
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
    await publishTemplatePackage(temp.store.db, `${ROOT}/templates/monthly-statement`);
    tokens = await seedUsers(temp.store.db);
    app = buildApp({ db: temp.store.db });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (savedBrandsDir === undefined) delete process.env.MISSIVE_BRANDS_DIR;
    else process.env.MISSIVE_BRANDS_DIR = savedBrandsDir;
    await browser?.close();
    await app?.close();
    await temp?.close();
  });

  const signedIn = (user: string): Promise<Page> =>
    signedInPage(browser, base, user, { height: 900, landing: /\/ui\// });

  const preview = async (channel: 'print' | 'email') => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/preview',
      headers: bearer(tokens.marketer),
      payload: { template: 'monthly-statement', channel, asOf: '2026-10-31' },
    });
    expect(res.statusCode).toBe(200);
    return res;
  };

  it('a new primary colour, approved by another person, changes the PDF and the e-mail', async () => {
    const pdfBefore = await preview('print');
    const htmlBefore = ((await preview('email')).json() as { html: string }).html.toLowerCase();
    const oldBefore = await pixelsNear(pdfBefore.rawPayload, OLD, temp.dir);
    expect(oldBefore).toBeGreaterThan(200);
    expect(await pixelsNear(pdfBefore.rawPayload, NEW, temp.dir)).toBe(0);
    expect(htmlBefore).toContain(OLD);
    expect(htmlBefore).not.toContain(NEW);

    const errors: string[] = [];
    const page = await signedIn('marketer1');
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/ui/studio/assets`);
    await Promise.all([page.waitForURL(/\/ui\/studio\/brands\/bank$/), page.click('#brand-link')]);
    expect(await page.inputValue('#theme-primary')).toBe(OLD);
    // A font stack that could break out of the e-mail's style is refused, naming the field.
    await page.fill('#theme-email', 'Arial; } body { display:none');
    await Promise.all([page.waitForLoadState('load'), page.click('#brand-propose')]);
    expect(await page.textContent('#brand-error')).toMatch(/^email: font names separated by commas/);

    await page.fill('#theme-email', "Helvetica, Arial, 'PingFang SC', 'Microsoft YaHei', sans-serif");
    await page.fill('#theme-primary', NEW);
    await Promise.all([page.waitForURL(/done=proposed/), page.click('#brand-propose')]);
    const row = page.locator('#brand-changes tbody tr').first();
    expect(await row.textContent()).toContain(`primary: ${OLD} → ${NEW}`);
    expect(await row.locator('.approve-change').count()).toBe(0); // four eyes: not for the proposer
    expect(await seriousViolations(page)).toEqual([]);
    // Not published yet: the brands folder and the preview are as before.
    expect(fs.readFileSync(path.join(brandsDir, 'bank', 'brand.yaml'), 'utf8')).toContain(OLD);

    const admin = await signedIn('admin1');
    await admin.goto(`${base}/ui/studio/brands/bank`);
    await Promise.all([admin.waitForURL(/done=approved/), admin.locator('.approve-change').first().click()]);
    expect(await admin.textContent('#brand-changes .change-status')).toBe('approved (admin1)');
    expect(await admin.inputValue('#theme-primary')).toBe(NEW);
    if (shots) await admin.screenshot({ path: `${shots}/studio-brand-theme.png`, fullPage: true });
    // The same page in Chinese.
    await Promise.all([admin.waitForURL(/\/ui\/studio\/brands\/bank/), admin.click('a[lang="zh-CN"]')]);
    expect(await admin.textContent('h1')).toContain('品牌主题');
    expect(await admin.textContent('#brand-form')).toContain('主色');
    expect(await seriousViolations(admin)).toEqual([]);
    const yaml = fs.readFileSync(path.join(brandsDir, 'bank', 'brand.yaml'), 'utf8');
    expect(yaml).toContain(`primary: "${NEW}" # headings`);

    const pdfAfter = await preview('print');
    const newAfter = await pixelsNear(pdfAfter.rawPayload, NEW, temp.dir);
    expect(newAfter).toBeGreaterThan(200);
    // What stays navy is the logo's own navy, not the theme's headings.
    expect(await pixelsNear(pdfAfter.rawPayload, OLD, temp.dir)).toBeLessThan(oldBefore - newAfter / 2);
    const htmlAfter = ((await preview('email')).json() as { html: string }).html.toLowerCase();
    expect(htmlAfter).toContain(NEW);
    expect(htmlAfter).not.toContain(OLD);
    if (shots) {
      const file = path.join(temp.dir, 'after.pdf');
      fs.writeFileSync(file, pdfAfter.rawPayload);
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '80',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        file,
        path.join(shots, 'studio-brand-theme-statement'),
      ]);
    }
    const actions = (await listAudit(temp.store.db, { targetId: 'bank' })).map((e) => e.action).reverse();
    expect(actions).toEqual(['studio.brand.submit', 'studio.brand.approve']);
    expect(errors).toEqual([]);
  }, 120_000);
});
