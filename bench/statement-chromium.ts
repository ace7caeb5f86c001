/**
 * The second reference: the same statement as HTML + CSS printed to PDF by Chromium — what most teams
 * use. Debian's chromium through playwright-core (never a downloaded browser), one browser and one
 * page reused for every document; the table header repeats across pages (thead), the footer carries
 * "Page X of Y" (Chromium's footer template), the chart is inline SVG. Fonts: Noto Sans SC from the
 * npm package, made visible to Chromium through a private fontconfig file.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { DocumentData } from '../src/templates/types.ts';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

interface Statement {
  customer: { name: string; address?: { lines: string[]; postalCode: string; city: string } };
  account: { number: string; currency: string };
  period: { from: string; to: string };
  openingBalance: number;
  closingBalance: number;
  totals: { paidIn: number; paidOut: number };
  transactions: { date: string; description: string; amount: number; balance: number }[];
  spending: { month: string; amount: number }[];
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function statementHtml(root: string, data: DocumentData, locale: string): string {
  const d = data as unknown as Statement;
  const file = path.join(root, 'templates', 'monthly-statement', 'locales', `${locale}.json`);
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: d.account.currency });
  const long = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const dayMonth = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
  const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const max = Math.max(1, ...d.spending.map((m) => m.amount));
  const bars = d.spending
    .map((m, i) => {
      const h = (m.amount / max) * 100;
      return `<rect x="${i * 40 + 6}" y="${110 - h}" width="28" height="${h}" fill="#0b3d6e"/><text x="${i * 40 + 20}" y="124" font-size="8" text-anchor="middle">${escapeHtml(month.format(at(m.month)))}</text>`;
    })
    .join('');
  const address = d.customer.address;
  const lines = [d.customer.name, ...(address ? [...address.lines, address.city, address.postalCode] : [])];
  const rows = d.transactions
    .map(
      (t) =>
        `<tr><td>${escapeHtml(dayMonth.format(at(t.date)))}</td><td>${escapeHtml(t.description)}</td><td class="n">${escapeHtml(money.format(t.amount))}</td><td class="n">${escapeHtml(money.format(t.balance))}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><style>
  body { font-family: 'Noto Sans SC', sans-serif; font-size: 9pt; color: #1f2933; margin: 0; }
  .brand { font-weight: bold; font-size: 17pt; color: #0b3d6e; } .tag { font-size: 8pt; color: #52606d; }
  .top { display: flex; justify-content: space-between; height: 24mm; }
  .title { font-weight: bold; font-size: 14pt; color: #0b3d6e; text-align: right; }
  .win { position: absolute; left: 0; top: 33mm; width: 90mm; } .ret { font-size: 7pt; color: #52606d; }
  .box { position: absolute; left: 90mm; top: 33mm; width: 82mm; background: #f4f7fb; border: 0.5pt solid #c5d2e0; padding: 2.5mm; }
  .box td:first-child { color: #52606d; width: 27mm; }
  .main { margin-top: 72mm; } table.tx { width: 100%; border-collapse: collapse; }
  table.tx thead td { background: #e4ebf3; font-weight: bold; color: #0b3d6e; }
  table.tx td { padding: 2.2pt; border-bottom: 0.3pt solid #9fb3c8; } table.tx tr:nth-child(even) td { background: #f7f9fc; }
  .n { text-align: right; } thead { display: table-header-group; } tr { break-inside: avoid; }
  </style></head><body>
  <div class="top"><div><div class="brand">${escapeHtml(s['bank.name'] ?? '')}</div><div class="tag">${escapeHtml(s['bank.tagline'] ?? '')}</div></div>
  <div><div class="title">${escapeHtml(s['statement.title'] ?? '')}</div><div class="tag" style="text-align:right">${escapeHtml(long.format(at(d.period.from)))} – ${escapeHtml(long.format(at(d.period.to)))}</div></div></div>
  <div class="win"><div class="ret">${escapeHtml(s['bank.returnAddress'] ?? '')}</div><div>${lines.map(escape).join('<br>')}</div></div>
  <div class="box"><table>
  <tr><td>${escapeHtml(s['summary.account'] ?? '')}</td><td>•••• ${escapeHtml(d.account.number.slice(-4))}</td></tr>
  <tr><td>${escapeHtml(s['summary.opening'] ?? '')}</td><td>${escapeHtml(money.format(d.openingBalance))}</td></tr>
  <tr><td>${escapeHtml(s['summary.paidIn'] ?? '')}</td><td>${escapeHtml(money.format(d.totals.paidIn))}</td></tr>
  <tr><td>${escapeHtml(s['summary.paidOut'] ?? '')}</td><td>${escapeHtml(money.format(d.totals.paidOut))}</td></tr>
  <tr><td>${escapeHtml(s['summary.closing'] ?? '')}</td><td><b>${escapeHtml(money.format(d.closingBalance))}</b></td></tr></table></div>
  <div class="main"><p>${escapeHtml(s.intro ?? '')}</p>
  <table class="tx"><thead><tr><td>${escapeHtml(s['table.date'] ?? '')}</td><td>${escapeHtml(s['table.description'] ?? '')}</td><td class="n">${escapeHtml(s['table.amount'] ?? '')}</td><td class="n">${escapeHtml(s['table.balance'] ?? '')}</td></tr></thead><tbody>${rows}</tbody></table>
  <p><b>${escapeHtml(s['chart.title'] ?? '')}</b></p><svg width="480" height="130" viewBox="0 0 480 130">${bars}</svg>
  <p><b>${escapeHtml(s.signature ?? '')}</b></p></div></body></html>`;
}

/** Starts Chromium with the fonts visible; `render` prints one statement; `close` stops the browser. */
export async function openChromiumReference(root: string): Promise<{
  render: (data: DocumentData, locale: string) => Promise<Uint8Array>;
  close: () => Promise<void>;
}> {
  const require = createRequire(import.meta.url);
  const fontDir = path.dirname(
    path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
  );
  const confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-fc-'));
  const conf = path.join(confDir, 'fonts.conf');
  fs.writeFileSync(
    conf,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>${fontDir}</dir><include ignore_missing="yes">/etc/fonts/fonts.conf</include><cachedir>${confDir}/cache</cachedir></fontconfig>`,
  );
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: FLAGS,
    env: { ...process.env, FONTCONFIG_FILE: conf },
  });
  const page: Page = await browser.newPage();
  const footer = `<div style="font-size:7pt;width:100%;text-align:right;margin-right:18mm;color:#52606d"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`;
  return {
    async render(data, locale) {
      await page.setContent(statementHtml(root, data, locale), { waitUntil: 'load' });
      return page.pdf({
        format: 'A4',
        margin: { top: '12mm', right: '18mm', bottom: '26mm', left: '20mm' },
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: footer,
        printBackground: true,
      });
    },
    async close() {
      await browser.close();
      fs.rmSync(confDir, { recursive: true, force: true });
    },
  };
}
