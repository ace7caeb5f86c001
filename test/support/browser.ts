import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { PASSWORD } from './api.ts';

/**
 * Where browser tests put their screenshots: MISSIVE_UI_SCREENSHOTS when set, relative to the
 * checkout (`MISSIVE_UI_SCREENSHOTS=docs/samples npx vitest run test/integration` refreshes the
 * documentation's pictures), else a temporary folder, so a test run leaves the checkout as it was.
 */
export function screenshotsDir(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const wanted = process.env.MISSIVE_UI_SCREENSHOTS;
  const dir = wanted ? path.resolve(root, wanted) : path.join(os.tmpdir(), 'missive-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Debian's Chromium with the house flags (never a downloaded browser): one per browser test file. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * launchChromium with the Noto Sans SC of the npm package visible through a private fontconfig file
 * in `dir` (NOTES.md), so Chinese pages are drawn with real glyphs in screenshots.
 */
export function launchChromiumWithCjk(dir: string): Promise<Browser> {
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
      '--disable-component-update',
      '--no-first-run',
    ],
    env: { ...process.env, FONTCONFIG_FILE: conf },
  });
}

/** A fresh browser context signed in through the login form as `user` (password: PASSWORD). */
export async function signedInPage(
  browser: Browser,
  base: string,
  user: string,
  options: { height: number; landing: RegExp },
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: options.height },
    locale: 'en-GB',
  });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(options.landing), page.click('button[type=submit]')]);
  return page;
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: unknown[] }[];
}

/** axe-core in the page (evaluated over CDP, so the page's CSP stays as served): serious or critical violations. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  // Strings, not functions: the tests compile without the DOM library.
  const result = await page.evaluate<AxeResults>('axe.run()');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.length})`);
}
