import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifact, Customer } from '../../src/core/types.ts';
import { renderPrint } from '../../src/render/print.ts';
import { type CompiledTemplate, compileTemplate } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import type { DocumentData } from '../../src/templates/types.ts';
import { statementDataFor } from '../support/statement-feeds.ts';
import { testBrand } from '../support/test-brand.ts';

const BANK = testBrand('bank');

/** PDFs checked as a reader would: qpdf, pdfinfo, pdffonts, pdftotext, pdftoppm (poppler-utils). */
const dir = mkdtempSync(path.join(tmpdir(), 'missive-render-'));
const AS_OF = '2026-11-30';
const consent = { service: true, marketing: true };

function customer(id: string, name: string, locale: string, address: Customer['address']): Customer {
  return {
    id,
    name,
    locale,
    timeZone: locale === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London',
    email: null,
    phone: null,
    address,
    consent: { print: consent, email: consent, sms: consent },
    eDelivery: false,
    traits: { balance: 2143.5, job: 'technician', housing: 'yes', loan: 'no' },
  };
}

const zhCustomer = customer('C000012', '罗娜', 'zh-CN', {
  lines: ['朝阳区中关村大街72号', '20号楼1406室'],
  postalCode: '100020',
  city: '北京市',
  country: 'CN',
});
const enCustomer = customer('C000013', 'Priya Brown', 'en-GB', {
  lines: ['122 Highfield Gardens'],
  postalCode: 'S10 0DP',
  city: 'Sheffield',
  country: 'GB',
});

function save(name: string, artifact: Artifact): string {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, artifact.bytes);
  return file;
}

const run = (tool: string, ...args: string[]): string => execFileSync(tool, args, { encoding: 'utf8' });
const text = (file: string, page?: number): string =>
  page === undefined
    ? run('pdftotext', '-layout', file, '-')
    : run('pdftotext', '-layout', '-f', `${page}`, '-l', `${page}`, file, '-');
const pageCount = (file: string): number => Number(/^Pages:\s+(\d+)/m.exec(run('pdfinfo', file))?.[1]);

/** Exactly `n` transactions, balances recomputed so the statement stays consistent. */
function withTransactions(data: DocumentData, n: number, describe: (i: number) => string): DocumentData {
  const amounts = Array.from({ length: n }, (_, i) => -((i * 37) % 5000) - 100);
  let running = Math.round((data.closingBalance as number) * 100) - amounts.reduce((a, b) => a + b, 0);
  const opening = running;
  const transactions = amounts.map((cents, i) => {
    running += cents;
    const day = String(1 + Math.floor((i * 30) / n)).padStart(2, '0');
    return {
      date: `2026-11-${day}`,
      description: describe(i),
      amount: cents / 100,
      paidIn: Math.max(0, cents) / 100,
      paidOut: Math.max(0, -cents) / 100,
      balance: running / 100,
    };
  });
  const paidOut = -amounts.reduce((a, b) => a + b, 0) / 100;
  const totals = { paidIn: 0, paidOut, interest: 0, fees: 0 };
  return { ...data, openingBalance: opening / 100, totals, transactions };
}

describe('monthly statement PDF', () => {
  let template: CompiledTemplate;
  beforeAll(async () => {
    template = compileTemplate(
      await loadTemplatePackage(path.resolve(import.meta.dirname, '../../templates/monthly-statement')),
    );
  });

  it('renders a Chinese customer: valid, deterministic, localised, fonts embedded as subsets', async () => {
    const data = await statementDataFor(zhCustomer, AS_OF);
    const a = await renderPrint(template, data, { asOf: AS_OF, locale: 'zh-CN', brand: BANK });
    const b = await renderPrint(template, structuredClone(data), {
      asOf: AS_OF,
      locale: 'zh-CN',
      brand: BANK,
    });
    expect(b.sha256).toBe(a.sha256);
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes))).toBe(0);
    const file = save('zh-CN', a);
    expect(run('qpdf', '--check', file)).toContain('No syntax or stream encoding errors');
    expect(pageCount(file)).toBe(a.pages);
    const page1 = text(file, 1);
    expect(page1).toContain('罗娜 收');
    expect(page1).toContain('尊敬的罗娜：');
    // China has no sort code or IBAN: the full account number in groups of four, and the SWIFT code.
    expect(page1).toMatch(/账号\s+6222 \d{4} \d{4} \d{4}/);
    expect(page1).toMatch(/SWIFT代码\s+MSVBCNSH/);
    expect(page1).not.toContain('IBAN');
    expect(page1).toContain('2026年11月30日');
    expect(page1).toContain('¥2,143.50');
    expect(page1).toContain(`第 1 页，共 ${a.pages} 页`);
    const fonts = run('pdffonts', file);
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts).not.toContain('Helvetica');
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      '-f',
      '1',
      '-l',
      '1',
      file,
      '/tmp/missive-statement-zh-CN',
    ]);
  });

  it('renders a Western customer with English dates and pounds', async () => {
    const data = await statementDataFor(enCustomer, AS_OF);
    const a = await renderPrint(template, data, { asOf: AS_OF, locale: 'en-GB', brand: BANK });
    const b = await renderPrint(template, data, { asOf: AS_OF, locale: 'en-GB', brand: BANK });
    expect(b.sha256).toBe(a.sha256);
    const file = save('en-GB', a);
    expect(run('qpdf', '--check', file)).toContain('No syntax or stream encoding errors');
    expect(pageCount(file)).toBe(a.pages);
    const page1 = text(file, 1);
    expect(page1).toContain('Dear Priya Brown,');
    expect(page1).toContain('30 November 2026');
    expect(page1).toContain('£2,143.50');
    // Account identification as a UK bank prints it.
    expect(page1).toMatch(/Sort code\s+04-\d{2}-\d{2}/);
    expect(page1).toMatch(/Account number\s+\d{8}/);
    // The IBAN in its paper format (ISO 13616: groups of four).
    expect(page1).toMatch(/IBAN\s+GB\d{2} MSVB 04\d{2} \d{4} \d{4} \d{2}/);
    expect(page1).toMatch(/BIC\s+MSVBGB2L/);
    expect(page1).toMatch(/Page 1 of \d/);
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      '-f',
      '1',
      '-l',
      '1',
      file,
      '/tmp/missive-statement-en-GB',
    ]);
  });

  it('breaks 60 transactions over pages: carried forward, repeated header, brought forward', async () => {
    const base = await statementDataFor(enCustomer, AS_OF);
    const data = withTransactions(base, 60, (i) => `Shop number ${i + 1}`);
    const artifact = await renderPrint(template, data, { asOf: AS_OF, locale: 'en-GB', brand: BANK });
    const file = save('en-GB-60', artifact);
    expect(artifact.pages).toBeGreaterThanOrEqual(2);
    expect(pageCount(file)).toBe(artifact.pages);
    const page1 = text(file, 1);
    const page2 = text(file, 2);
    const carried = /Carried forward\s+(-?£[\d,.]+)/.exec(page1)?.[1];
    const brought = /Brought forward\s+(-?£[\d,.]+)/.exec(page2)?.[1];
    expect(carried).toBeDefined();
    expect(brought).toBe(carried);
    expect(page2).toMatch(/Date\s+Description\s+Paid out\s+Paid in\s+Balance/);
    expect(page2.indexOf('Date')).toBeLessThan(page2.indexOf('Brought forward'));
    expect(text(file)).toContain('Shop number 60');
    expect(page2).toMatch(/Page 2 of \d/);
  });

  it('extracts a statement with more than 127 distinct CJK characters (pdfkit subset pitfall)', async () => {
    // 300 distinct ideographs from the common block, 10 per description.
    const han = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + 0x40 + i * 7));
    const data = withTransactions(await statementDataFor(zhCustomer, AS_OF), 30, (i) =>
      han.slice(i * 10, i * 10 + 10).join(''),
    );
    const artifact = await renderPrint(template, data, { asOf: AS_OF, locale: 'zh-CN', brand: BANK });
    const file = save('zh-CN-300-han', artifact);
    expect(run('qpdf', '--check', file)).toContain('No syntax or stream encoding errors');
    const extracted = text(file).replace(/\s+/g, '');
    for (let i = 0; i < 30; i++) expect(extracted).toContain(han.slice(i * 10, i * 10 + 10).join(''));
  });

  it('maps shared glyphs to the text of this document, not of an earlier one', async () => {
    // Noto Sans SC draws U+00B7 (·) and U+2022 (•) with one glyph; fontkit caches the first code point.
    const first = withTransactions(await statementDataFor(enCustomer, AS_OF), 8, () => 'Middle · dot');
    await renderPrint(template, first, { asOf: AS_OF, locale: 'en-GB', brand: BANK });
    const second = withTransactions(await statementDataFor(enCustomer, AS_OF), 8, () => 'Bullet • dot');
    const file = save(
      'en-GB-bullet',
      await renderPrint(template, second, { asOf: AS_OF, locale: 'en-GB', brand: BANK }),
    );
    expect(text(file)).toContain('Bullet • dot');
  });
});
