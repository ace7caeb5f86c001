// Draws a brand's logo.svg (made by hand, in the brand folder) into logo.png.b64 with Debian's
// Chromium: `node scripts/rasterize-logo.mjs brands/bank`. The PNG is stored as base64 text, like
// template images, so brand folders stay text-only. Run it again after editing the SVG.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/rasterize-logo.mjs <brand folder>');
const svg = readFileSync(path.join(dir, 'logo.svg'), 'utf8');
const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 360);
const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 96);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 2 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true });
  writeFileSync(path.join(dir, 'logo.png.b64'), `${png.toString('base64').replace(/.{76}/g, '$&\n')}\n`);
  console.log(`${dir}/logo.png.b64: ${png.length} bytes, ${width * 2}×${height * 2} px`);
} finally {
  await browser.close();
}
