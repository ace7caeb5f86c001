// Renders the brand samples in docs/samples: each brand's marketing e-mail (Chromium, 375 and 800 px
// wide), the letter, the brochure and the statement's offer slots (pdftoppm, 60 dpi). Offers come from
// the shipped catalogs, as a run would show them. `node --import tsx scripts/brand-samples.ts`
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { ChannelKind } from '../src/core/types.ts';
import { decodeEmail } from '../src/render/email.ts';
import { renderForChannel } from '../src/render/render-channel.ts';
import { loadCatalogDirOrThrow } from '../src/rules/catalog-loader.ts';
import { offerContentFor } from '../src/rules/offer-content.ts';
import { compileTemplateAsync } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { testBrandSource } from '../test/support/test-brand.ts';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'docs', 'samples');
const tmp = mkdtempSync(path.join(tmpdir(), 'brand-samples-'));

async function offersOf(catalog: string, ids: string[], channel: ChannelKind, locale: string) {
  const loaded = await loadCatalogDirOrThrow(path.join(root, 'catalogs', catalog));
  const decision = {
    holdout: false,
    suppressed: undefined,
    offers: ids.map((offerId, i) => ({ offerId, slot: i + 1 })),
  };
  return offerContentFor(decision as never, loaded, locale, channel);
}

async function render(template: string, brand: string, channel: ChannelKind, data: object, locale = 'en-GB') {
  const t = await compileTemplateAsync(await loadTemplatePackage(path.join(root, 'templates', template)));
  return renderForChannel(t, channel, data as never, {
    asOf: '2026-10-31',
    locale,
    brand: testBrandSource(brand),
  });
}

const sample = (template: string) =>
  JSON.parse(readFileSync(path.join(root, 'templates', template, 'sample-data.json'), 'utf8')) as Record<
    string,
    unknown
  >;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  for (const [brand, catalog, offer] of [
    ['bank', 'bank', 'credit-card-upgrade'],
    ['telco', 'telco', 'fibre-upgrade'],
  ] as const) {
    const data = {
      ...sample('cross-sell-promotion'),
      offers: await offersOf(catalog, [offer], 'email', 'en-GB'),
      unsubscribeUrl: 'https://missive.example/unsubscribe/dk_sample',
    };
    const { html } = decodeEmail((await render('cross-sell-promotion', brand, 'email', data)).artifact.bytes);
    for (const width of [375, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 600 } });
      await page.setContent(html);
      await page.screenshot({
        path: path.join(out, `email-${brand}-cross-sell-${width}.png`),
        fullPage: true,
      });
      await page.close();
    }
    const letter = {
      ...sample('cross-sell-promotion'),
      offers: await offersOf(catalog, [offer], 'print', 'en-GB'),
    };
    const pdf = path.join(tmp, `letter-${brand}.pdf`);
    writeFileSync(pdf, (await render('cross-sell-promotion', brand, 'print', letter)).artifact.bytes);
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      pdf,
      path.join(out, `letter-${brand}-cross-sell`),
    ]);
  }
  const brochure = {
    ...sample('insurance-cross-sell'),
    offers: await offersOf('bank', ['travel-accident-cover', 'mortgage'], 'print', 'en-GB'),
  };
  const pdf = path.join(tmp, 'brochure.pdf');
  writeFileSync(pdf, (await render('insurance-cross-sell', 'bank', 'print', brochure)).artifact.bytes);
  execFileSync('pdftoppm', [
    '-r',
    '60',
    '-png',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    pdf,
    path.join(out, 'brochure-bank-offers'),
  ]);
  const statement = {
    ...sample('monthly-statement'),
    offers: await offersOf('bank', ['term-deposit', 'credit-card-upgrade'], 'print', 'en-GB'),
  };
  const spdf = path.join(tmp, 'statement.pdf');
  writeFileSync(spdf, (await render('monthly-statement', 'bank', 'print', statement)).artifact.bytes);
  execFileSync('pdftoppm', [
    '-r',
    '60',
    '-png',
    '-f',
    '2',
    '-l',
    '2',
    '-singlefile',
    spdf,
    path.join(out, 'statement-bank-offer-slots'),
  ]);
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(
  'docs/samples: email-{bank,telco}-cross-sell-{375,800}.png, letter-*, brochure-bank-offers, statement-bank-offer-slots',
);
