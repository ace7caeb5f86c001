import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateBankStatementFeeds } from '../../examples/bank-statements/generate.ts';
import { BANK_CUSTOMERS, BANK_MAPPING } from '../../examples/customer-source.ts';
import { generateTelcoFeeds, TELCO_CUSTOMERS, TELCO_MAPPING } from '../../examples/telco/generate.ts';
import { type TriedFeeds, tryFeeds } from '../../examples/try-feeds.ts';
import type { Customer } from '../../src/core/types.ts';
import { renderForChannel } from '../../src/render/render-channel.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import type { DocumentData } from '../../src/templates/types.ts';
import { testBrandSource } from '../support/test-brand.ts';

/**
 * Print composition (issue 22 item 3), read from the PDFs with pdftotext page by page: a closing
 * paragraph never alone on a page, a table never starts with fewer than its `minRows`, the usage
 * table's last page has its total, a section heading is never last on a page — on the shortest and
 * longest documents of the example bank's and the operator's customers, from their loaded feeds.
 */
const AS_OF = '2026-11-30';
const root = path.resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'missive-composition-'));
});

async function pagesOf(
  t: CompiledTemplate,
  data: DocumentData,
  locale: string,
  brand: 'bank' | 'telco',
): Promise<string[]> {
  const { artifact } = await renderForChannel(t, 'print', t.validateData(data), {
    asOf: AS_OF,
    locale,
    brand: testBrandSource(brand),
  });
  const file = path.join(dir, `doc-${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, artifact.bytes);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return text.split('\f').filter((p) => p.trim() !== '');
}

const documentOf = (tried: TriedFeeds, c: Customer): DocumentData => {
  const assembled = tried.documents.get(c.id);
  if (!assembled?.ok) throw new Error(`${c.id}: no document`);
  return assembled.data as DocumentData;
};

/** The shortest and the longest documents of each locale, by the length of `list`. */
function extremes(tried: TriedFeeds, list: string): Customer[] {
  const out: Customer[] = [];
  for (const locale of new Set(tried.customers.map((c) => c.locale))) {
    const mine = tried.customers
      .filter((c) => c.locale === locale)
      .sort((a, b) => {
        const n = (c: Customer) => (documentOf(tried, c)[list] as unknown[]).length;
        return n(a) - n(b) || a.id.localeCompare(b.id);
      });
    out.push(...mine.slice(0, 3), ...mine.slice(-3));
  }
  return out;
}

/** Table rows on a page: lines starting with a day and month ("2 Nov", "11月2日"). */
const ROW = /^\s*(\d{1,2} [A-Z][a-z]{2,3}|\d{1,2}月\d{1,2}日)\s/;

describe('monthly statement composition (examples/bank-statements feeds)', () => {
  let tried: TriedFeeds;
  let statement: CompiledTemplate;
  beforeAll(async () => {
    statement = await compileTemplateAsync(
      await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
    );
    const feeds = await generateBankStatementFeeds({ asOf: AS_OF, outDir: path.join(dir, 'bank') });
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'bank.sqlite'),
      customersFile: BANK_CUSTOMERS,
      mappingFile: BANK_MAPPING,
      files: feeds.files,
      datasource: 'monthly-statement',
      asOf: AS_OF,
    });
  }, 120_000);

  it('never leaves the closing lines alone on a page; the table starts with at least 4 rows', async () => {
    const checked = extremes(tried, 'transactions');
    expect(checked.length).toBeGreaterThanOrEqual(6);
    for (const c of checked) {
      const data = documentOf(tried, c);
      const pages = await pagesOf(statement, data, c.locale, 'bank');
      const closing = c.locale === 'zh-CN' ? /截至.*您的账户余额为/ : /Your closing balance on/;
      const chart = c.locale === 'zh-CN' ? '近12个月支出' : 'Your spending over the last 12 months';
      const last = pages.findIndex((p) => closing.test(p));
      expect(last, `${c.id}: closing sentence`).toBeGreaterThanOrEqual(0);
      expect(pages[last], `${c.id}: the closing page also holds the chart`).toContain(chart);
      const header = c.locale === 'zh-CN' ? /日期\s+交易摘要/ : /Date\s+Description\s+Paid out/;
      const first = pages.find((p) => header.test(p))!;
      const rows = first
        .slice(first.search(header))
        .split('\n')
        .filter((l) => ROW.test(l)).length;
      const n = (data.transactions as unknown[]).length;
      expect(rows, `${c.id}: rows on the table's first page`).toBeGreaterThanOrEqual(Math.min(4, n));
    }
  }, 120_000);

  it('shows interest charged where the month was overdrawn, and the arranged overdraft', async () => {
    const overdrawn = tried.customers.find(
      (c) =>
        c.locale === 'en-GB' && ((documentOf(tried, c).totals as { interest: number }).interest ?? 0) > 0,
    );
    expect(overdrawn).toBeDefined();
    const pages = await pagesOf(statement, documentOf(tried, overdrawn!), 'en-GB', 'bank');
    expect(pages[0]).toMatch(/Interest charged\s+£[\d,.]+/);
    expect(pages.join('')).toMatch(/Overdraft interest/);
  });
});

describe('telecom bill composition (examples/telco feeds)', () => {
  let tried: TriedFeeds;
  let bill: CompiledTemplate;
  beforeAll(async () => {
    bill = await compileTemplateAsync(
      await loadTemplatePackage(path.join(root, 'templates', 'telecom-bill')),
    );
    const feeds = await generateTelcoFeeds({ asOf: AS_OF, outDir: path.join(dir, 'telco') });
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'telco.sqlite'),
      customersFile: TELCO_CUSTOMERS,
      mappingFile: TELCO_MAPPING,
      files: feeds.files,
      datasource: 'telecom-bill',
      asOf: AS_OF,
    });
  }, 120_000);

  it('the usage table starts with at least 5 rows under its heading and ends with its total', async () => {
    for (const c of extremes(tried, 'usage')) {
      const data = documentOf(tried, c);
      const pages = await pagesOf(bill, data, c.locale, 'telco');
      const n = (data.usage as unknown[]).length;
      if (n === 0) continue;
      const start = pages.findIndex((p) => p.includes('Usage this month'));
      const page = pages[start]!;
      const below = page.slice(page.indexOf('Usage this month'));
      expect(below, `${c.id}: heading followed by the table`).toMatch(/Date\s+Type\s+Detail/);
      const rows = below.split('\n').filter((l) => ROW.test(l)).length;
      expect(rows, `${c.id}: rows under the heading`).toBeGreaterThanOrEqual(Math.min(5, n));
      expect(pages.at(-1), `${c.id}: total on the last page`).toMatch(/Total usage charges\s+£[\d,.]+/);
      expect(pages.slice(0, -1).join('')).not.toContain('Total usage charges');
    }
  }, 120_000);

  it('says how the bill is paid: Direct Debit, card, or not set up (without a tick)', async () => {
    const byMethod = new Map<string, Customer>();
    for (const c of tried.customers) {
      const method = (documentOf(tried, c).payment as { method?: string }).method ?? '';
      if (!byMethod.has(method)) byMethod.set(method, c);
    }
    const intro = async (method: string) => {
      const c = byMethod.get(method)!;
      return (await pagesOf(bill, documentOf(tried, c), c.locale, 'telco'))[0]!.replace(/\s+/g, ' ');
    };
    expect(await intro('Bank transfer (automatic)')).toMatch(/Your Direct Debit will collect £[\d,.]+/);
    expect(await intro('Credit card (automatic)')).toMatch(/We will take £[\d,.]+ from your card/);
    for (const manual of ['Electronic check', 'Mailed check']) {
      const text = await intro(manual);
      expect(text).toContain('Direct Debit is not set up');
      expect(text).not.toContain('✓');
    }
  }, 60_000);
});
