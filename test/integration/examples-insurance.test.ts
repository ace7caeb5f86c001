import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BANK_CUSTOMERS, BANK_MAPPING } from '../../examples/customer-source.ts';
import { type GeneratedInsuranceFeeds, generateInsuranceFeeds } from '../../examples/insurance/generate.ts';
import { type TriedFeeds, tryFeeds } from '../../examples/try-feeds.ts';
import type { Customer } from '../../src/core/types.ts';
import { readControlTotals } from '../../src/customers/feeds/control-totals.ts';
import { checkDataContract } from '../../src/render/data-contract.ts';
import { renderForChannel } from '../../src/render/render-channel.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import { testBrandSource } from '../support/test-brand.ts';

/** examples/insurance: the policies extract loads and the cross-sell brochure renders from it. */
const AS_OF = '2026-11-30';
const root = path.resolve(import.meta.dirname, '../..');

let dir: string;
let generated: GeneratedInsuranceFeeds;
let tried: TriedFeeds;
let brochure: CompiledTemplate;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'missive-insurance-feeds-'));
  generated = await generateInsuranceFeeds({ asOf: AS_OF, outDir: path.join(dir, 'out') });
  brochure = await compileTemplateAsync(
    await loadTemplatePackage(path.join(root, 'templates', 'insurance-cross-sell')),
  );
  tried = await tryFeeds({
    sqlitePath: path.join(dir, 'insurance.sqlite'),
    customersFile: BANK_CUSTOMERS,
    mappingFile: BANK_MAPPING,
    files: generated.files,
    datasource: 'insurance-cross-sell',
    asOf: AS_OF,
  });
});

describe('insurance policies feed', () => {
  it('writes the policies with a control file whose totals are the rows written', async () => {
    const [policies] = generated.files;
    const control = await readControlTotals(policies!.file);
    const lines = (await fs.readFile(policies!.file, 'utf8')).trimEnd().split('\n');
    expect(control).toMatchObject({ rows: policies!.rows, amount: policies!.amount, asOf: AS_OF });
    expect(lines.length - 1).toBe(policies!.rows);
    expect(generated.customers).toBe(200);
    expect(generated.holders).toBeGreaterThan(0);
    expect(generated.holders).toBeLessThan(200);
  });

  it('loads with matching control totals, no rejects and no orphans (policy numbers unique)', () => {
    expect(tried.loads.map((l) => [l.feed, l.control.status, l.rejected, l.orphans.count])).toEqual([
      ['policies', 'ok', 0, 0],
    ]);
  });
});

describe('insurance-cross-sell from the policies feed', () => {
  it("satisfies the template's data contract (offers are the rules' part)", async () => {
    expect(await checkDataContract(brochure, tried.datasource.program.shape, AS_OF)).toEqual([]);
  });

  it("quotes the customer's newest active policy as the reply reference, else XS-<id>", async () => {
    const rows = (await fs.readFile(generated.files[0]!.file, 'utf8')).trimEnd().split('\n').slice(1);
    const active = new Map<string, { number: string; start: string }>();
    for (const row of rows) {
      const [number, customerId, , status, start] = row.split(',') as string[];
      const best = active.get(customerId!);
      if (status !== 'active') continue;
      if (!best || start! > best.start || (start === best.start && number! < best.number)) {
        active.set(customerId!, { number: number!, start: start! });
      }
    }
    for (const customer of tried.customers) {
      const data = brochure.validateData({ ...documentOf(customer), offers: [] });
      const reference = active.get(customer.id)?.number ?? `XS-${customer.id}`;
      expect(data.response).toEqual({ url: `https://insure.missive-bank.example/r/${reference}`, reference });
      expect(data.asOf).toBe(AS_OF);
    }
    expect(tried.customers.some((c) => !active.has(c.id))).toBe(true);
  });

  it('renders the brochure PDF with offers from the rules', async () => {
    const customer = tried.customers.find((c) => c.locale === 'en-GB')!;
    const offers = [
      {
        id: 'travel-accident-cover',
        slot: 1,
        headline: 'Covered wherever business takes you',
        body: 'Accident cover on every trip, from 4 EUR a month.',
        cta: { label: 'Get covered', url: 'https://bank.example/travel' },
      },
    ];
    const data = brochure.validateData({ ...documentOf(customer), offers });
    const { artifact } = await renderForChannel(brochure, 'print', data, {
      asOf: AS_OF,
      locale: 'en-GB',
      brand: testBrandSource('bank'),
    });
    expect(Buffer.from(artifact.bytes).subarray(0, 5).toString()).toBe('%PDF-');
    expect(artifact.pages).toBe(2);
  });
});

function documentOf(customer: Customer): Record<string, unknown> {
  const assembled = tried.documents.get(customer.id);
  if (!assembled?.ok)
    throw new Error(`customer ${customer.id}: ${assembled?.error.message ?? 'no document'}`);
  return assembled.data;
}
