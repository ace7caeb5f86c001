import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BANK_CUSTOMERS, BANK_MAPPING } from '../../examples/customer-source.ts';
import { generateInsuranceFeeds } from '../../examples/insurance/generate.ts';
import { generateTelcoFeeds, TELCO_CUSTOMERS, TELCO_MAPPING } from '../../examples/telco/generate.ts';
import { type TriedFeeds, tryFeeds } from '../../examples/try-feeds.ts';
import type { Customer } from '../../src/core/types.ts';
import { renderForChannel } from '../../src/render/render-channel.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { loadTemplatePackage, templatePackageFromFiles } from '../../src/templates/package-loader.ts';
import type { DocumentData } from '../../src/templates/types.ts';
import { statementDataFor } from '../support/statement-feeds.ts';
import {
  countOperators,
  nodes,
  type PdfjsPage,
  pdfjsPages,
  popplerTree,
  type StructNode,
  textOf,
  xmpOf,
} from '../support/tagged-pdf.ts';
import { testBrandSource } from '../support/test-brand.ts';
import { testPackageFiles } from '../support/test-package.ts';

/**
 * The shipped print templates render tagged PDFs (PDF/UA-1, PDF/A-2a) that tools other than
 * Missive read as a screen reader would: poppler's structure tree, pdf.js's (Firefox), qpdf's
 * operators. Documents come from loaded feeds (the statement's data source, examples/telco,
 * examples/insurance). docs/ACCESSIBILITY.md lists the Matterhorn checkpoints covered.
 */
const AS_OF = '2026-11-30';
const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
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

const template = async (name: string): Promise<CompiledTemplate> =>
  compileTemplateAsync(await loadTemplatePackage(path.join(root, 'templates', name)));

async function render(
  t: CompiledTemplate,
  data: DocumentData,
  locale: string,
  brand: 'bank' | 'telco',
  name: string,
): Promise<string> {
  const { artifact } = await renderForChannel(t, 'print', t.validateData(data), {
    asOf: AS_OF,
    locale,
    brand: testBrandSource(brand),
  });
  const file = path.join(dir, `${name}.pdf`);
  await fs.writeFile(file, artifact.bytes);
  return file;
}

interface Read {
  tree: StructNode;
  document: StructNode;
  pages: PdfjsPage[];
  qdf: string;
}

/** The checks every tagged document passes, whatever its template. */
async function checkTagged(file: string, lang: string): Promise<Read> {
  execFileSync('qpdf', ['--check', file]);
  const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
  expect(fonts.length).toBeGreaterThan(0);
  for (const line of fonts) expect(line, 'embedded, subset, ToUnicode').toMatch(/\syes\s+yes\s+yes\s/);

  const xmp = xmpOf(file);
  expect(xmp).toContain('<pdfuaid:part>1</pdfuaid:part>');
  expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
  expect(xmp).toContain('<pdfaid:conformance>A</pdfaid:conformance>');
  expect(xmp).toMatch(/<dc:title>\s*<rdf:Alt>\s*<rdf:li xml:lang="x-default">[^<]+</);
  const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, '-'], {
    maxBuffer: 256 << 20,
  }).toString('latin1');
  expect(qdf, 'the title is the window title').toMatch(/\/DisplayDocTitle true/);
  expect(qdf).toContain(`/Lang (${lang})`);
  expect(qdf).toMatch(/\/MarkInfo \d+ 0 R/);

  // 01-003/01-004: nothing drawn outside a marked-content sequence (real content or artifact).
  const ops = countOperators(file);
  expect(ops.textObjects).toBeGreaterThan(0);
  expect(ops.textOutside).toBe(0);
  expect(ops.paintOutside).toBe(0);

  const pages = await pdfjsPages(file);
  for (const [i, page] of pages.entries()) {
    expect(page.untagged, `page ${i + 1}: text outside marked content`).toEqual([]);
    expect(page.orphanIds, `page ${i + 1}: marked text outside the tree`).toEqual([]);
    for (const f of page.figures) expect(f.alt, `page ${i + 1}: a Figure without Alt`).toBeTruthy();
    expect(page.taggedText.length).toBeGreaterThan(0);
  }

  const tree = popplerTree(file);
  expect(tree.children.map((n) => n.role)).toEqual(['Document']);
  const document = tree.children[0]!;
  for (const table of nodes(tree).filter((n) => n.role === 'Table')) {
    // 09-004/09-005: rows in tables (or their sections), cells in rows, header cells with a scope.
    for (const part of table.children) expect(['TR', 'THead', 'TBody', 'TFoot']).toContain(part.role);
    const rows = nodes(table).filter((n) => n.role === 'TR');
    for (const row of rows) for (const cell of row.children) expect(['TH', 'TD']).toContain(cell.role);
    const headers = nodes(table).filter((n) => n.role === 'TH');
    expect(headers.length).toBeGreaterThan(0);
    for (const th of headers) expect(th.attributes.join(' ')).toMatch(/\/Scope \/(Row|Column)/);
  }
  // 14-002: headings start at H1 and never skip a level on the way down.
  let level = 0;
  for (const n of nodes(tree)) {
    const h = /^H([1-6])$/.exec(n.role);
    if (!h) continue;
    expect(Number(h[1]), `heading ${n.role} "${textOf(n)}"`).toBeLessThanOrEqual(level + 1);
    level = Number(h[1]);
  }
  return { tree, document, pages, qdf };
}

/** The transactions table: the Table whose header row names the columns. */
function tableWithHeader(tree: StructNode, first: string): StructNode {
  const table = nodes(tree).find(
    (n) => n.role === 'Table' && n.children[0]?.role === 'THead' && textOf(n.children[0]).startsWith(first),
  );
  if (!table) throw new Error(`no table whose header starts with ${first}`);
  return table;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'missive-tagged-'));
});

describe('monthly statement, tagged', () => {
  let statement: CompiledTemplate;
  beforeAll(async () => {
    statement = await template('monthly-statement');
  });

  it('en-GB: roles in reading order, one transactions table across pages, a Chinese name as a zh-CN span', async () => {
    const c = customer('C000021', 'Wei Zhang 张伟', 'en-GB', {
      lines: ['14 Lime Street'],
      postalCode: 'EC3M 7AN',
      city: 'London',
      country: 'GB',
    });
    const data = await statementDataFor(c, AS_OF, { transactions: 60 });
    const file = await render(statement, data, 'en-GB', 'bank', 'statement-en');
    const { document, pages } = await checkTagged(file, 'en-GB');
    expect(pages.length).toBeGreaterThan(1);

    // The first page's header leads, then the body in layout order.
    expect(document.children.map((n) => n.role).slice(0, 8)).toEqual([
      'Div', // header.first: logo, contact line, H1 title, period
      'P', // return address
      'P', // address
      'Table', // summary box
      'P', // greeting
      'P', // introduction
      'Table', // transactions
      'P', // chart title
    ]);
    const header = document.children[0]!;
    expect(header.children.map((n) => n.role)).toEqual(['Figure', 'P', 'H1', 'P']);
    expect(textOf(header.children[2]!)).toBe('Current Account Statement');
    expect(document.children.at(-1)!.role).toBe('P');
    expect(textOf(document.children.at(-1)!)).toBe('Missive Bank Customer Service');

    // One table for every transaction although it breaks across pages; carry lines are not rows.
    const transactions = data.transactions as { description: string }[];
    const table = tableWithHeader(document, 'Date');
    const body = table.children.find((n) => n.role === 'TBody')!;
    expect(body.children).toHaveLength(transactions.length);
    expect(body.children.map((tr) => textOf(tr.children[1]!))).toEqual(
      transactions.map((t) => t.description),
    );
    expect(textOf(table)).not.toContain('forward');
    const artifacts = pages.flatMap((p) => p.artifactText).join('|');
    expect(artifacts).toContain('Carried forward');
    expect(artifacts).toContain('Brought forward');
    expect(artifacts).toMatch(/Page 1 of \d/);

    // Summary box: row headers.
    const summary = document.children[3]!;
    expect(summary.children[0]!.children.map((n) => n.role)).toEqual(['TH', 'TD']);
    expect(summary.children[0]!.children[0]!.attributes).toContain('/Scope /Row');

    // Lang: the Chinese part of the name, wherever it is written.
    const langs = pages.flatMap((p) => p.langs);
    expect(langs.filter((l) => l.lang === 'zh-CN').map((l) => l.text)).toContain('张伟');
    expect(langs.every((l) => l.lang === 'zh-CN')).toBe(true);

    // The chart's Alt summarises its data.
    const chart = pages.flatMap((p) => p.figures).find((f) => f.alt?.startsWith('Bar chart'));
    expect(chart?.alt).toMatch(/^Bar chart of your spending over the last 12 months: \w+ £[\d,.]+; /);
    expect(chart?.alt?.split('; ')).toHaveLength(12);
  });

  it('zh-CN: Chinese document language, Latin words as en-GB spans, screen-reader order equals reading order', async () => {
    const c = customer('C000022', '罗娜', 'zh-CN', {
      lines: ['朝阳区中关村大街72号', '20号楼1406室'],
      postalCode: '100020',
      city: '北京市',
      country: 'CN',
    });
    const data = await statementDataFor(c, AS_OF, { transactions: 40 });
    const file = await render(statement, data, 'zh-CN', 'bank', 'statement-zh');
    const { document, pages } = await checkTagged(file, 'zh-CN');
    const langs = pages.flatMap((p) => p.langs);
    expect(langs.length).toBeGreaterThan(0);
    expect(langs.every((l) => l.lang === 'en-GB' && /[A-Za-z]/.test(l.text))).toBe(true);
    // pdf.js text in structure order: title, address, summary, greeting, table, chart, closing.
    const order = pages.flatMap((p) => p.taggedText).join('');
    const at = (s: string) => {
      const i = order.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const marks = ['活期账户对账单', '罗娜 收', '账号', '尊敬的罗娜', '交易摘要', '近12个月支出', '截至'];
    const positions = marks.map(at);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const table = tableWithHeader(document, '日期');
    expect(table.children.find((n) => n.role === 'TBody')!.children).toHaveLength(40);
  });
});

describe('telecom bill, tagged (examples/telco feeds)', () => {
  let tried: TriedFeeds;
  let bill: CompiledTemplate;
  beforeAll(async () => {
    bill = await template('telecom-bill');
    const generated = await generateTelcoFeeds({ asOf: AS_OF, outDir: path.join(dir, 'telco') });
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'telco.sqlite'),
      customersFile: TELCO_CUSTOMERS,
      mappingFile: TELCO_MAPPING,
      files: generated.files,
      datasource: 'telecom-bill',
      asOf: AS_OF,
    });
  }, 120_000);

  it('QR code, barcode and chart are figures with Alt; usage is one table; headings H1 then H2', async () => {
    const c = tried.customers.find((x) => {
      const d = documentOf(tried, x);
      const manual = !(d.payment as { automatic?: boolean }).automatic; // pays by hand: QR code and barcode
      return manual && (d.roaming as unknown[]).length > 0 && (d.usage as unknown[]).length > 30;
    })!;
    const data = documentOf(tried, c);
    const file = await render(bill, data, c.locale, 'telco', 'telecom-bill');
    const { tree, pages } = await checkTagged(file, 'en-GB');
    const alts = pages.flatMap((p) => p.figures.map((f) => f.alt ?? ''));
    expect(alts.some((a) => a.startsWith('QR code to pay £'))).toBe(true);
    expect(alts.some((a) => a.startsWith('Barcode of your payment reference'))).toBe(true);
    expect(alts.some((a) => a.startsWith('Line chart of the data you used'))).toBe(true);
    expect(alts.some((a) => a === 'Missive Mobile')).toBe(true); // the logo, from the brand
    const headings = nodes(tree)
      .filter((n) => /^H\d$/.test(n.role))
      .map((n) => n.role);
    expect(headings[0]).toBe('H1');
    expect(headings.slice(1).every((h) => h === 'H2')).toBe(true);
    const usage = tableWithHeader(tree, 'Date');
    expect(usage.children.find((n) => n.role === 'TBody')!.children).toHaveLength(
      (data.usage as unknown[]).length,
    );
    // The total line closes the table: a row whose header cell says what it totals.
    const foot = usage.children.at(-1)!;
    expect(foot.role).toBe('TFoot');
    expect(textOf(foot)).toMatch(/^Total usage charges£[\d,.]+$/);
  });

  it('in zh-CN: document language zh-CN, Chinese alt text and headings, the total row closes the usage table', async () => {
    const c = tried.customers.find((x) => (documentOf(tried, x).usage as unknown[]).length > 30)!;
    const data = documentOf(tried, c);
    const file = await render(bill, data, 'zh-CN', 'telco', 'telecom-bill-zh-CN');
    const { tree, pages } = await checkTagged(file, 'zh-CN');
    const alts = pages.flatMap((p) => p.figures.map((f) => f.alt ?? ''));
    expect(alts.some((a) => a.startsWith('每月流量使用折线图'))).toBe(true);
    const usage = tableWithHeader(tree, '日期');
    expect(usage.children.find((n) => n.role === 'TBody')!.children).toHaveLength(
      (data.usage as unknown[]).length,
    );
    expect(textOf(usage.children.at(-1)!)).toMatch(/^使用费用合计£[\d,.]+$/);
  });
});

describe('insurance brochure, tagged (examples/insurance feeds)', () => {
  let tried: TriedFeeds;
  let brochure: CompiledTemplate;
  beforeAll(async () => {
    brochure = await template('insurance-cross-sell');
    const generated = await generateInsuranceFeeds({ asOf: AS_OF, outDir: path.join(dir, 'insurance') });
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'insurance.sqlite'),
      customersFile: BANK_CUSTOMERS,
      mappingFile: BANK_MAPPING,
      files: generated.files,
      datasource: 'insurance-cross-sell',
      asOf: AS_OF,
    });
  }, 120_000);

  for (const locale of ['en-GB', 'zh-CN'] as const) {
    it(`${locale}: hero image, offer image and QR codes with Alt in the customer's language`, async () => {
      const c = tried.customers.find((x) => x.locale === locale)!;
      const offers = [
        {
          id: 'travel-accident-cover',
          slot: 1,
          image: 'travel.png',
          headline: locale === 'zh-CN' ? '出行意外保障' : 'Covered wherever business takes you',
          body: locale === 'zh-CN' ? '每次出行的意外保障，每月四欧元起。' : 'Accident cover on every trip.',
          cta: { label: locale === 'zh-CN' ? '立即投保' : 'Get covered', url: 'https://bank.example/travel' },
        },
      ];
      const data = { ...documentOf(tried, c), offers };
      const file = await render(brochure, data, locale, 'bank', `brochure-${locale}`);
      const { tree, pages } = await checkTagged(file, locale);
      const alts = pages.flatMap((p) => p.figures.map((f) => f.alt ?? ''));
      expect(alts.length).toBeGreaterThanOrEqual(4); // logo, hero, offer image, offer QR, reply QR
      if (locale === 'zh-CN') expect(alts.filter((a) => /[\u4e00-\u9fff]/.test(a)).length).toBe(alts.length);
      const roles = nodes(tree).map((n) => n.role);
      expect(roles).toContain('H1');
      expect(roles.filter((r) => r === 'H2').length).toBeGreaterThanOrEqual(3);
      expect(roles).toContain('Table'); // the cover summary
    });
  }
});

describe('text roles', () => {
  it('headings and lists: a text with role L is a list, one LI > LBody per line', async () => {
    const yaml = [
      'document: { tagged: true, title: "Letter" }',
      'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }',
      'body:',
      '  - { type: text, text: "What changes", role: H1 }',
      '  - { type: text, text: "Paid in and paid out\\nSort code and IBAN\\n\\nInterest charged", role: L }',
      '  - { type: text, text: "{{customer.name}}" }',
    ].join('\n');
    const t = await compileTemplateAsync(
      templatePackageFromFiles('letter', testPackageFiles({ 'print.yaml': yaml })),
    );
    const file = await render(t, { customer: { name: 'Wei Zhang 张伟' } }, 'en-GB', 'bank', 'list');
    const { document } = await checkTagged(file, 'en-GB');
    expect(document.children.map((n) => n.role)).toEqual(['H1', 'L', 'P']);
    const list = document.children[1]!;
    expect(list.children.map((n) => n.role)).toEqual(['LI', 'LI', 'LI']);
    expect(list.children.map((li) => `${li.children[0]!.role}:${textOf(li)}`)).toEqual([
      'LBody:Paid in and paid out',
      'LBody:Sort code and IBAN',
      'LBody:Interest charged',
    ]);
    expect(textOf(document.children[2]!)).toBe('Wei Zhang 张伟');
    expect(document.children[2]!.children.map((n) => n.role)).toEqual(['Span']);
  });
});

function documentOf(tried: TriedFeeds, customer: Customer): DocumentData {
  const assembled = tried.documents.get(customer.id);
  if (!assembled?.ok)
    throw new Error(`customer ${customer.id}: ${assembled?.error.message ?? 'no document'}`);
  return assembled.data as DocumentData;
}
