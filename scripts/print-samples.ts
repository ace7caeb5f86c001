// Renders the print samples of issue 22 from loaded feeds, as a recipient sees them (pdftoppm, 60 dpi):
// the statement in both locales (the example bank's customers: an overdrawn en-GB account with many
// bookings, a zh-CN customer whose statement runs onto a third page), the telecom bill of a customer
// with roaming and a long usage list (the one who pays by hand in both locales), and the insurance
// brochure in both locales, and the general letter an agent writes in both locales.
//   node --import tsx scripts/print-samples.ts docs/samples/issue-22/after
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BANK_CUSTOMERS, BANK_MAPPING } from '../examples/customer-source.ts';
import { generateInsuranceFeeds } from '../examples/insurance/generate.ts';
import { generateTelcoFeeds, TELCO_CUSTOMERS, TELCO_MAPPING } from '../examples/telco/generate.ts';
import { type TriedFeeds, tryFeeds } from '../examples/try-feeds.ts';
import { renderForChannel } from '../src/render/render-channel.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import type { DocumentData } from '../src/templates/types.ts';
import { testBrandSource } from '../test/support/test-brand.ts';

const AS_OF = '2026-11-30';
const root = path.resolve(import.meta.dirname, '..');
const out = path.resolve(process.argv[2] ?? 'docs/samples/issue-22');
const work = await fs.mkdtemp(path.join(tmpdir(), 'missive-samples-'));
await fs.mkdir(out, { recursive: true });

const template = async (name: string): Promise<CompiledTemplate> =>
  compileTemplateAsync(await loadTemplatePackage(path.join(root, 'templates', name)));

async function save(
  t: CompiledTemplate,
  data: DocumentData,
  locale: string,
  brand: 'bank' | 'telco',
  name: string,
): Promise<number> {
  const { artifact } = await renderForChannel(t, 'print', t.validateData(data), {
    asOf: AS_OF,
    locale,
    brand: testBrandSource(brand),
  });
  const pdf = path.join(work, `${name}.pdf`);
  await fs.writeFile(pdf, artifact.bytes);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(out, name)]);
  return artifact.pages ?? 0;
}

const documentOf = (tried: TriedFeeds, id: string): DocumentData => {
  const assembled = tried.documents.get(id);
  if (!assembled?.ok) throw new Error(`${id}: no document`);
  return assembled.data as DocumentData;
};

// The example bank's statements, from its extracts (examples/bank-statements).
const { generateBankStatementFeeds } = await import('../examples/bank-statements/generate.ts');
const bankFeeds = await generateBankStatementFeeds({ asOf: AS_OF, outDir: path.join(work, 'bank') });
const bank = await tryFeeds({
  sqlitePath: path.join(work, 'bank.sqlite'),
  customersFile: BANK_CUSTOMERS,
  mappingFile: BANK_MAPPING,
  files: bankFeeds.files,
  datasource: 'monthly-statement',
  asOf: AS_OF,
});
const statement = await template('monthly-statement');
const pick = (locale: string, test: (d: DocumentData) => boolean) =>
  bank.customers.find((c) => c.locale === locale && test(documentOf(bank, c.id)));
const overdrawn = pick(
  'en-GB',
  (d) => (d.transactions as unknown[]).length > 40 && (d.closingBalance as number) < 0,
);
const longZh = pick('zh-CN', (d) => (d.transactions as unknown[]).length > 50);
for (const [c, locale] of [
  [overdrawn, 'en-GB'],
  [longZh, 'zh-CN'],
] as const) {
  if (!c) continue;
  const pages = await save(statement, documentOf(bank, c.id), locale, 'bank', `monthly-statement-${locale}`);
  console.log(`monthly-statement ${locale} ${c.id}: ${pages} pages`);
}

const telcoFeeds = await generateTelcoFeeds({ asOf: AS_OF, outDir: path.join(work, 'telco') });
const telco = await tryFeeds({
  sqlitePath: path.join(work, 'telco.sqlite'),
  customersFile: TELCO_CUSTOMERS,
  mappingFile: TELCO_MAPPING,
  files: telcoFeeds.files,
  datasource: 'telecom-bill',
  asOf: AS_OF,
});
const bill = await template('telecom-bill');
// The first customer with roaming and a long usage list (pays by Direct Debit), and the first such
// customer who pays by hand (QR code and barcode).
const longBill = (manual: boolean) =>
  telco.customers.find((c) => {
    const d = documentOf(telco, c.id);
    const byHand = !(d.payment as { automatic?: boolean }).automatic;
    return (!manual || byHand) && (d.roaming as unknown[]).length > 0 && (d.usage as unknown[]).length > 30;
  })!;
for (const [c, name] of [
  [longBill(false), 'telecom-bill-en-GB'],
  [longBill(true), 'telecom-bill-by-hand-en-GB'],
  [longBill(true), 'telecom-bill-by-hand-zh-CN'],
] as const) {
  const locale = name.endsWith('zh-CN') ? 'zh-CN' : 'en-GB';
  console.log(`${name} ${c.id}: ${await save(bill, documentOf(telco, c.id), locale, 'telco', name)} pages`);
}

const insuranceFeeds = await generateInsuranceFeeds({ asOf: AS_OF, outDir: path.join(work, 'insurance') });
const insurance = await tryFeeds({
  sqlitePath: path.join(work, 'insurance.sqlite'),
  customersFile: BANK_CUSTOMERS,
  mappingFile: BANK_MAPPING,
  files: insuranceFeeds.files,
  datasource: 'insurance-cross-sell',
  asOf: AS_OF,
});
const brochure = await template('insurance-cross-sell');
for (const locale of ['en-GB', 'zh-CN'] as const) {
  const c = insurance.customers.find((x) => x.locale === locale)!;
  const pages = await save(
    brochure,
    { ...documentOf(insurance, c.id), offers: [] },
    locale,
    'bank',
    `insurance-cross-sell-${locale}`,
  );
  console.log(`insurance-cross-sell ${locale} ${c.id}: ${pages} pages`);
}
// The general letter an agent writes (issue 19 item 3), in both languages, from its sample data and
// a Chinese customer writing about the same card.
const letter = await template('general-letter');
const letterSample = JSON.parse(
  await fs.readFile(path.join(root, 'templates', 'general-letter', 'sample-data.json'), 'utf8'),
) as DocumentData;
const letterZh: DocumentData = {
  ...letterSample,
  customer: {
    id: 'C-1002',
    name: '王芳',
    locale: 'zh-CN',
    address: {
      lines: ['浦东新区世纪大道100号', '2单元1201室'],
      postalCode: '200120',
      city: '上海市',
      country: 'CN',
    },
  },
  sections: {
    subject: '关于补发银行卡',
    body: '感谢您今天来电告知银行卡遗失。\n\n我们已为您挂失原卡，新卡已寄出，预计五个工作日内送达。',
    closing: '如有任何疑问，请致电我们，我们乐意为您提供帮助。',
    postscript: '',
  },
};
for (const [data, locale] of [
  [letterSample, 'en-GB'],
  [letterZh, 'zh-CN'],
] as const) {
  console.log(
    `general-letter ${locale}: ${await save(letter, data, locale, 'bank', `general-letter-${locale}`)} pages`,
  );
}
await fs.rm(work, { recursive: true, force: true });
