import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { CJK_FONT_FAMILY, cjkFont, cjkSubsetText } from '../../src/api/fonts/cjk-font.ts';
import type { Customer } from '../../src/core/types.ts';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { seedUsers } from '../support/api.ts';
import { launchChromium, screenshotsDir, signedInPage } from '../support/browser.ts';
import { type PortalSinks, startPortalApp, startPortalSinks, testClock } from '../support/portal.ts';
import { openTempStore, ROOT, type TempStore } from '../support/stores.ts';

const CJK = /[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/gu;

/**
 * Issue 19 item 4: the app serves a CJK web font (a WOFF2 subset of the npm package's Noto Sans SC),
 * with long cache headers, used by the agent UI and the portal through @font-face (font-display:
 * swap) under the CSP; on this machine, which has no Chinese font installed, a Chinese name renders
 * with it in Chromium.
 */
describe('CJK web font', () => {
  let temp: TempStore;
  let sinks: PortalSinks;
  let app: FastifyInstance;
  let base: string;
  let portal: { app: FastifyInstance; base: string };
  let browser: Browser;
  const customer: Customer = {
    ...synthesizeIdentity('F0001', { locale: 'zh-CN' }),
    name: '罗海燕',
    traits: {},
  };

  beforeAll(async () => {
    temp = await openTempStore('cjk-font');
    await upsertCustomers(temp.store.db, [customer]);
    await seedUsers(temp.store.db);
    sinks = await startPortalSinks();
    portal = await startPortalApp({ db: temp.store.db, sinks, clock: testClock() });
    app = buildApp({ db: temp.store.db });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await portal?.app.close();
    await sinks?.close();
    await temp?.close();
  });

  it('covers GB2312, the Chinese UI and portal, and every CJK character of their source files', () => {
    const subset = new Set(cjkSubsetText());
    expect(subset.size).toBeGreaterThan(6_763);
    const missing = new Set<string>();
    for (const dir of ['src/api/ui', 'src/api/portal']) {
      for (const file of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const text = fs
          .readFileSync(path.join(ROOT, dir, file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        for (const c of text.match(CJK) ?? []) if (!subset.has(c)) missing.add(`${c} (${dir}/${file})`);
      }
    }
    expect([...missing]).toEqual([]);
    // The Chinese names Missive's synthetic customers are given (the demo and the benchmarks).
    for (let i = 0; i < 2_000; i += 1) {
      const { name } = synthesizeIdentity(`N${i}`, { locale: 'zh-CN' });
      for (const c of name.match(CJK) ?? []) if (!subset.has(c)) missing.add(`${c} (${name})`);
    }
    expect([...missing]).toEqual([]);
  });

  it('is served as WOFF2 with a year of caching, named by its content, and both stylesheets declare it', async () => {
    const font = cjkFont();
    const res = await fetch(`${base}${font.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('font/woff2');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(bytes.length).toBeLessThan(1_100_000); // 996,004 bytes for 6,921 characters
    expect((await fetch(`${base}/assets/fonts/noto-sans-sc.0000000000000000.woff2`)).status).toBe(404);
    for (const css of [`${base}/assets/app.css`, `${portal.base}/portal/assets/portal.css`]) {
      const text = await (await fetch(css)).text();
      expect(text).toContain(`font-family: "${CJK_FONT_FAMILY}"`);
      expect(text).toContain('font-display: swap');
      expect(text).toContain(`src: url("${font.url}") format("woff2")`);
      expect(text).toMatch(new RegExp(`font(-family)?:[^;]*"${CJK_FONT_FAMILY}"`, 's'));
    }
    const login = await fetch(`${base}/login`);
    expect(login.headers.get('content-security-policy')).toContain("font-src 'self'");
  }, 60_000);

  it('a Chinese name on the agent page renders with it (document.fonts), glyphs not boxes', async () => {
    const page = await signedInPage(browser, base, 'agent1', { height: 768, landing: /\/ui\/search/ });
    try {
      await page.goto(`${base}/ui/customers/${customer.id}`);
      await page.evaluate('document.fonts.ready');
      const fonts = await page.evaluate<{ family: string; status: string }[]>(
        '[...document.fonts].map((f) => ({ family: f.family, status: f.status }))',
      );
      expect(fonts).toContainEqual({ family: CJK_FONT_FAMILY, status: 'loaded' });
      expect(
        await page.evaluate(`document.fonts.check('14px "${CJK_FONT_FAMILY}"', '${customer.name}')`),
      ).toBe(true);
      await page.screenshot({ path: path.join(screenshotsDir(), 'cjk-font-agent-customer.png') });
      // The same page in Chinese: the UI's own strings are drawn with the font too.
      await Promise.all([page.waitForURL(/\/ui\/customers\//), page.click('header a[lang="zh-CN"]')]);
      await page.evaluate('document.fonts.ready');
      expect(await page.textContent('html')).toContain('联系偏好');
      await page.screenshot({ path: path.join(screenshotsDir(), 'cjk-font-agent-customer-zh.png') });
    } finally {
      await page.context().close();
    }
  }, 60_000);
});
