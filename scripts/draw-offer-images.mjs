// Draws the offer images of the shipped catalogs (flat icons on the brand's colours, made here by
// hand as SVG, nothing downloaded) into each template package that shows offers, as base64 text:
// `node scripts/draw-offer-images.mjs`. Images are package assets (images/offers/<name>.png.b64),
// checked when the package compiles; the catalogs name them in their offers' `image`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BANK = { bg: '#e6eef7', primary: '#0b3d6e', accent: '#2e7d50', soft: '#c5d2e0' };
const TELCO = { bg: '#efe4f6', primary: '#6b2c91', accent: '#d1366b', soft: '#d6c3e3' };

/** Each icon is drawn in a 200×160 box centred on the right of the banner. */
const ICONS = {
  'platinum.png': [
    BANK,
    (c) =>
      `<rect x="10" y="25" width="180" height="112" rx="14" fill="${c.primary}"/><rect x="30" y="55" width="34" height="26" rx="4" fill="#d9c88a"/><rect x="30" y="105" width="110" height="10" rx="5" fill="${c.soft}"/>`,
  ],
  'travel.png': [
    BANK,
    (c) =>
      `<circle cx="100" cy="80" r="66" fill="none" stroke="${c.primary}" stroke-width="10"/><path d="M34 80 H166 M100 14 V146" stroke="${c.primary}" stroke-width="8"/><ellipse cx="100" cy="80" rx="30" ry="66" fill="none" stroke="${c.primary}" stroke-width="8"/><path d="M120 30 L190 8 L170 48 Z" fill="${c.accent}"/>`,
  ],
  'mortgage.png': [
    BANK,
    (c) =>
      `<path d="M20 80 L100 14 L180 80 Z" fill="${c.primary}"/><rect x="40" y="80" width="120" height="70" fill="${c.primary}"/><rect x="88" y="104" width="26" height="46" fill="${c.bg}"/><rect x="52" y="94" width="24" height="20" fill="${c.accent}"/>`,
  ],
  'loan.png': [
    BANK,
    (c) =>
      [0, 1, 2, 3]
        .map(
          (i) =>
            `<ellipse cx="100" cy="${130 - i * 26}" rx="66" ry="18" fill="${i === 3 ? c.accent : c.primary}" stroke="${c.bg}" stroke-width="4"/>`,
        )
        .join(''),
  ],
  'term-deposit.png': [
    BANK,
    (c) =>
      `${[0, 1, 2, 3]
        .map(
          (i) =>
            `<rect x="${20 + i * 44}" y="${120 - i * 30}" width="32" height="${30 + i * 30}" rx="4" fill="${i === 3 ? c.accent : c.primary}"/>`,
        )
        .join('')}<path d="M20 60 L150 8" stroke="${c.accent}" stroke-width="6" stroke-linecap="round"/>`,
  ],
  'education.png': [
    BANK,
    (c) =>
      `<path d="M100 20 L190 60 L100 100 L10 60 Z" fill="${c.primary}"/><path d="M50 80 V120 C70 140 130 140 150 120 V80 L100 102 Z" fill="${c.primary}"/><path d="M176 66 V120" stroke="${c.accent}" stroke-width="6"/><circle cx="176" cy="124" r="8" fill="${c.accent}"/>`,
  ],
  'youth.png': [
    BANK,
    (c) =>
      `<path d="M100 10 L122 62 L178 66 L135 102 L148 156 L100 127 L52 156 L65 102 L22 66 L78 62 Z" fill="${c.accent}"/><circle cx="100" cy="84" r="20" fill="${c.bg}"/>`,
  ],
  'pension.png': [
    BANK,
    (c) =>
      `<circle cx="100" cy="96" r="44" fill="${c.accent}"/>${[...Array(8)]
        .map((_, i) => {
          const a = (Math.PI * i) / 7;
          return `<path d="M${100 - Math.cos(a) * 58} ${96 - Math.sin(a) * 58} L${100 - Math.cos(a) * 78} ${96 - Math.sin(a) * 78}" stroke="${c.accent}" stroke-width="8" stroke-linecap="round"/>`;
        })
        .join('')}<rect x="0" y="104" width="200" height="56" fill="${c.primary}"/>`,
  ],
  'security.png': [
    TELCO,
    (c) =>
      `<path d="M100 8 L170 32 V80 C170 118 140 142 100 156 C60 142 30 118 30 80 V32 Z" fill="${c.primary}"/><path d="M66 82 L92 108 L140 58" fill="none" stroke="#ffffff" stroke-width="14" stroke-linecap="round" stroke-linejoin="round"/>`,
  ],
  'helpline.png': [
    TELCO,
    (c) =>
      `<rect x="62" y="8" width="76" height="146" rx="14" fill="${c.primary}"/><rect x="72" y="28" width="56" height="96" rx="4" fill="${c.bg}"/><circle cx="100" cy="138" r="7" fill="${c.bg}"/><path d="M150 50 A30 30 0 0 1 150 100 M164 36 A50 50 0 0 1 164 114" fill="none" stroke="${c.accent}" stroke-width="8" stroke-linecap="round"/>`,
  ],
  'loyalty.png': [
    TELCO,
    (c) =>
      `<path d="M100 150 L30 84 C6 60 16 20 50 16 C72 14 90 28 100 46 C110 28 128 14 150 16 C184 20 194 60 170 84 Z" fill="${c.accent}"/>`,
  ],
  'direct-debit.png': [
    TELCO,
    (c) =>
      `<rect x="24" y="24" width="152" height="128" rx="12" fill="${c.primary}"/><rect x="24" y="24" width="152" height="32" rx="12" fill="${c.accent}"/><path d="M66 102 L90 126 L136 78" fill="none" stroke="#ffffff" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>`,
  ],
  'fibre.png': [
    TELCO,
    (c) =>
      `<path d="M116 6 L46 92 H94 L78 154 L156 62 H106 Z" fill="${c.accent}"/><path d="M10 30 H40 M4 80 H34 M14 130 H44" stroke="${c.primary}" stroke-width="8" stroke-linecap="round"/>`,
  ],
  'streaming.png': [
    TELCO,
    (c) =>
      `<rect x="14" y="16" width="172" height="110" rx="10" fill="${c.primary}"/><path d="M86 46 L130 71 L86 96 Z" fill="#ffffff"/><rect x="70" y="132" width="60" height="12" rx="6" fill="${c.primary}"/>`,
  ],
  'family.png': [
    TELCO,
    (c) =>
      [
        [50, 1, c.primary],
        [150, 1, c.primary],
        [100, 0.75, c.accent],
      ]
        .map(
          ([x, k, f]) =>
            `<circle cx="${x}" cy="${60 + (1 - k) * 60}" r="${24 * k}" fill="${f}"/><path d="M${x - 36 * k} 156 C${x - 36 * k} ${96 + (1 - k) * 50} ${x + 36 * k} ${96 + (1 - k) * 50} ${x + 36 * k} 156 Z" fill="${f}"/>`,
        )
        .join(''),
  ],
};

const svg = (colors, icon) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="560" height="200" viewBox="0 0 560 200">` +
  `<rect width="560" height="200" fill="${colors.bg}"/>` +
  `<circle cx="70" cy="170" r="90" fill="${colors.soft}"/><circle cx="190" cy="20" r="36" fill="${colors.soft}"/>` +
  `<g transform="translate(300 20)">${icon(colors)}</g></svg>`;

const packages = process.argv.slice(2);
if (packages.length === 0) throw new Error('usage: node scripts/draw-offer-images.mjs templates/<name>…');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 560, height: 200 }, deviceScaleFactor: 1 });
  for (const [name, [colors, icon]] of Object.entries(ICONS)) {
    await page.setContent(`<html><body style="margin:0">${svg(colors, icon)}</body></html>`);
    const png = await page.locator('svg').screenshot();
    const text = `${png.toString('base64').replace(/.{76}/g, '$&\n')}\n`;
    for (const pkg of packages) {
      mkdirSync(`${pkg}/images/offers`, { recursive: true });
      writeFileSync(`${pkg}/images/offers/${name}.b64`, text);
    }
    console.log(`${name}: ${png.length} bytes`);
  }
} finally {
  await browser.close();
}
