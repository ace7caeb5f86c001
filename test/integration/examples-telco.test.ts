import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { customersOf } from '../../examples/customer-source.ts';
import { TELCO_COLUMNS, telcoCustomersCsv } from '../../examples/telco/customers.ts';
import {
  type GeneratedTelcoFeeds,
  generateTelcoFeeds,
  TELCO_CUSTOMERS,
  TELCO_MAPPING,
} from '../../examples/telco/generate.ts';
import { type TriedFeeds, tryFeeds } from '../../examples/try-feeds.ts';
import type { Customer } from '../../src/core/types.ts';
import { readControlTotals } from '../../src/customers/feeds/control-totals.ts';
import { loadMapping } from '../../src/customers/mapping.ts';
import { checkDataContract } from '../../src/render/data-contract.ts';
import { decodeEmail } from '../../src/render/email.ts';
import { attachPlannedDocuments, emailAttachmentPlan } from '../../src/render/email-documents.ts';
import { renderForChannel } from '../../src/render/render-channel.ts';
import { lintCatalogDir } from '../../src/rules/publish.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import { testBrandSource } from '../support/test-brand.ts';

/**
 * examples/telco: the operator's own customer file imports with its mapping, the billing extracts
 * load with matching control totals, every customer's bill assembles and validates, and the
 * telecom catalog reads only traits that file has.
 */
const AS_OF = '2026-11-30';
const root = path.resolve(import.meta.dirname, '../..');

let dir: string;
let generated: GeneratedTelcoFeeds;
const customers: Customer[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'missive-telco-feeds-'));
  generated = await generateTelcoFeeds({ asOf: AS_OF, outDir: path.join(dir, 'out') });
  for await (const { customer } of customersOf(TELCO_CUSTOMERS, TELCO_MAPPING)) customers.push(customer);
});

describe("the operator's customer file", () => {
  it('is the generator’s output: 7,043 customers in the IBM Telco Customer Churn columns', async () => {
    const text = await fs.readFile(TELCO_CUSTOMERS, 'utf8');
    expect(text).toBe(telcoCustomersCsv());
    const [header, ...rows] = text.trimEnd().split('\n');
    expect(header).toBe(TELCO_COLUMNS.join(','));
    expect(rows).toHaveLength(7043);
    expect(rows[0]).toMatch(/^\d{4}-[A-Z]{5},(Male|Female),[01],/);
  });

  it('imports every row with examples/telco/mapping.json: British identities, e-billing from PaperlessBilling', async () => {
    expect(customers).toHaveLength(7043);
    expect(new Set(customers.map((c) => c.id)).size).toBe(7043);
    expect(customers.every((c) => c.locale === 'en-GB' && c.address?.country === 'GB')).toBe(true);
    expect(customers.every((c) => c.eDelivery === c.traits.paperlessBilling)).toBe(true);
    const joinedThisMonth = customers.filter((c) => c.traits.tenure === 0);
    expect(joinedThisMonth).toHaveLength(11);
    expect(joinedThisMonth.every((c) => c.traits.totalCharges === null)).toBe(true);
    const churn = customers.filter((c) => c.traits.churned === true).length / customers.length;
    expect(churn).toBeGreaterThan(0.2);
    expect(churn).toBeLessThan(0.32);
  });
});

describe('telco feeds', () => {
  it('writes every feed with a control file whose totals are the rows written', async () => {
    expect(generated.customers).toBe(7043);
    expect(generated.files.map((f) => f.feed)).toEqual(['subscriptions', 'usage', 'roaming', 'data-usage']);
    for (const f of generated.files) {
      const control = await readControlTotals(f.file);
      const lines = (await fs.readFile(f.file, 'utf8')).trimEnd().split('\n');
      expect(control).toMatchObject({ rows: f.rows, amount: f.amount, asOf: AS_OF });
      expect(lines.length - 1).toBe(f.rows);
    }
    expect(generated.files[0]!.rows).toBe(7043);
  });
});

describe('telecom-bill from the telco feeds', () => {
  let tried: TriedFeeds;
  let bill: CompiledTemplate;
  beforeAll(async () => {
    bill = await compileTemplateAsync(
      await loadTemplatePackage(path.join(root, 'templates', 'telecom-bill')),
    );
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'telco.sqlite'),
      customersFile: TELCO_CUSTOMERS,
      mappingFile: TELCO_MAPPING,
      files: generated.files,
      datasource: 'telecom-bill',
      asOf: AS_OF,
    });
  });

  it('loads every feed with matching control totals, no rejects and no orphans', () => {
    expect(tried.loads.map((l) => [l.feed, l.control.status, l.rejected, l.orphans.count])).toEqual([
      ['subscriptions', 'ok', 0, 0],
      ['usage', 'ok', 0, 0],
      ['roaming', 'ok', 0, 0],
      ['data-usage', 'ok', 0, 0],
    ]);
  });

  it("satisfies the template's data contract, including the history chart", async () => {
    expect(await checkDataContract(bill, tried.datasource.program.shape, AS_OF)).toEqual([]);
  });

  it('assembles a valid bill for every one of the 7,043 customers', () => {
    expect(tried.customers).toHaveLength(7043);
    let roaming = 0;
    for (const customer of tried.customers) {
      const data = bill.validateData(documentOf(tried, customer));
      const charges = data.charges as Record<string, number>;
      expect(charges.plan).toBe(customer.traits.monthlyCharges);
      expect(Math.round((charges.plan! + charges.extras! + charges.roaming!) * 100)).toBe(
        Math.round(charges.total! * 100),
      );
      expect(data.period).toEqual({ from: '2026-11-01', to: AS_OF, due: '2026-12-14' });
      expect(data.history).toHaveLength(12);
      expect((data.payment as { link: string }).link).toMatch(
        /^https:\/\/pay\.missive-mobile\.example\/p\/MM[A-Z0-9]+2611\?amt=[\d.]+$/,
      );
      if ((data.roaming as unknown[]).length > 0) roaming += 1;
    }
    expect(roaming / tried.customers.length).toBeGreaterThan(0.05);
    expect(roaming / tried.customers.length).toBeLessThan(0.2);
  });

  it('renders a bill PDF from the feeds (with roaming, usage across pages and the chart)', async () => {
    const customer = tried.customers.find((c) => {
      const d = documentOf(tried, c);
      return (d.roaming as unknown[]).length > 0 && (d.usage as unknown[]).length > 30;
    })!;
    const data = bill.validateData(documentOf(tried, customer));
    const { artifact } = await renderForChannel(bill, 'print', data, {
      asOf: AS_OF,
      locale: customer.locale,
      brand: testBrandSource('telco'),
    });
    expect(Buffer.from(artifact.bytes).subarray(0, 5).toString()).toBe('%PDF-');
    expect(artifact.pages).toBeGreaterThanOrEqual(2);
  });

  it('e-mails a paperless customer the bill with its PDF attached, in both locales, in the brand', async () => {
    const customer = tried.customers.find((c) => c.eDelivery)!;
    const data = bill.validateData(documentOf(tried, customer));
    const plan = emailAttachmentPlan(bill, 'telecom-bill', AS_OF);
    expect(plan).toEqual([{ channel: 'print', name: 'telecom-bill-2026-11-30.pdf' }]);
    for (const [locale, subject] of [
      ['en-GB', /^Your bill for 1 November 2026 to 30 November 2026 is ready$/],
      ['zh-CN', /^您 2026年11月1日 至 2026年11月30日 的账单已出$/],
    ] as const) {
      const options = { asOf: AS_OF, locale, brand: testBrandSource('telco'), purpose: 'service' as const };
      const email = await renderForChannel(bill, 'email', data, options);
      const { artifact, attached } = await attachPlannedDocuments(
        email.artifact,
        plan,
        data,
        options,
        (channel) => renderForChannel(bill, channel, data, options),
      );
      const parsed = decodeEmail(artifact.bytes);
      expect(parsed.subject).toMatch(subject);
      expect(parsed.html).toContain(`lang="${locale}"`);
      // A bill is a service e-mail: the brand's service sender, not its marketing one.
      expect(parsed.fromAddress).toBe('billing@missive-mobile.example');
      expect(parsed.text).toContain('Missive Mobile Ltd');
      expect(parsed.attachments).toEqual([
        expect.objectContaining({ name: 'telecom-bill-2026-11-30.pdf', sha256: attached[0]!.pdf.sha256 }),
      ]);
      expect(Buffer.from(attached[0]!.pdf.bytes).subarray(0, 5).toString()).toBe('%PDF-');
    }
  });
});

describe('catalogs/telco', () => {
  it('lints clean against the 7,043 customers: known traits, every rule true for someone', async () => {
    const { catalog, issues } = await lintCatalogDir(path.join(root, 'catalogs', 'telco'), AS_OF);
    expect(issues).toEqual([]);
    expect(catalog?.offers.length).toBeGreaterThanOrEqual(5);
  });

  it('declares only traits the telco mapping imports, with the same types', async () => {
    const { catalog } = await lintCatalogDir(path.join(root, 'catalogs', 'telco'), AS_OF);
    const mapping = await loadMapping(TELCO_MAPPING);
    for (const [name, trait] of Object.entries(catalog!.traits.traits)) {
      expect(mapping.traits[name]?.type, name).toBe(trait.type);
    }
  });

  it('names communication types that are templates, on channels those templates have', async () => {
    const { catalog } = await lintCatalogDir(path.join(root, 'catalogs', 'telco'), AS_OF);
    for (const [name, type] of Object.entries(catalog!.communicationTypes)) {
      const manifest = JSON.parse(
        await fs.readFile(path.join(root, 'templates', name, 'manifest.json'), 'utf8'),
      ) as { channels: string[] };
      for (const channel of type.channels) expect(manifest.channels, `${name} ${channel}`).toContain(channel);
    }
  });
});

function documentOf(tried: TriedFeeds, customer: Customer): Record<string, unknown> {
  const assembled = tried.documents.get(customer.id);
  if (!assembled?.ok)
    throw new Error(`customer ${customer.id}: ${assembled?.error.message ?? 'no document'}`);
  return assembled.data;
}
