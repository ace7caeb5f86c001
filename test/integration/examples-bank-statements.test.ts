import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { iban } from '../../examples/bank-statements/account.ts';
import {
  ARREARS_ID_COLUMN,
  type GeneratedBankFeeds,
  generateBankStatementFeeds,
} from '../../examples/bank-statements/generate.ts';
import { BANK_CUSTOMERS, BANK_MAPPING, customersOf } from '../../examples/customer-source.ts';
import { type TriedFeeds, tryFeeds } from '../../examples/try-feeds.ts';
import type { Customer } from '../../src/core/types.ts';
import { readControlTotals } from '../../src/customers/feeds/control-totals.ts';
import { checkDataContract } from '../../src/render/data-contract.ts';
import { renderForChannel } from '../../src/render/render-channel.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import { testBrandSource } from '../support/test-brand.ts';

/**
 * examples/bank-statements: the generated extracts go through the path a run takes (customer import,
 * `feeds load` with control totals, assembly per customer) and make valid statements and reminders.
 */
const AS_OF = '2026-11-30';
const LIMIT = 40;
const root = path.resolve(import.meta.dirname, '../..');
const template = (name: string) =>
  loadTemplatePackage(path.join(root, 'templates', name)).then(compileTemplateAsync);

let dir: string;
let generated: GeneratedBankFeeds;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'missive-bank-feeds-'));
  generated = await generateBankStatementFeeds({ asOf: AS_OF, outDir: path.join(dir, 'out'), limit: LIMIT });
});

describe('bank-statements generator', () => {
  it('writes every feed with a control file whose totals are the rows written', async () => {
    expect(generated.customers).toBe(LIMIT);
    expect(generated.files.map((f) => `${f.datasource}/${f.feed}`)).toEqual([
      'monthly-statement/accounts',
      'monthly-statement/transactions',
      'monthly-statement/account-history',
      'payment-reminder/arrears',
    ]);
    for (const f of generated.files) {
      const control = await readControlTotals(f.file);
      const lines = (await fs.readFile(f.file, 'utf8')).trimEnd().split('\n');
      expect(control).toMatchObject({ rows: f.rows, amount: f.amount, asOf: AS_OF });
      expect(lines.length - 1).toBe(f.rows);
    }
    const [accounts, transactions, history] = generated.files;
    expect(accounts!.rows).toBe(LIMIT);
    expect(history!.rows).toBe(LIMIT * 12);
    expect(transactions!.rows).toBeGreaterThanOrEqual(LIMIT * 8);
  });

  it('is deterministic: the same customers and as-of give the same bytes', async () => {
    const again = await generateBankStatementFeeds({
      asOf: AS_OF,
      outDir: path.join(dir, 'again'),
      limit: LIMIT,
    });
    for (const [i, f] of generated.files.entries()) {
      expect(await sha256(again.files[i]!.file)).toBe(await sha256(f.file));
    }
  });

  it('makes valid IBANs (ISO 13616 check digits)', () => {
    expect(iban('GB', 'WEST12345698765432')).toBe('GB82WEST12345698765432');
  });

  it('generates N synthetic customers with exactly N transactions each (the benchmark mode)', async () => {
    const out = await generateBankStatementFeeds({
      asOf: AS_OF,
      outDir: path.join(dir, 'synthetic'),
      syntheticCustomers: 50,
      transactions: 60,
    });
    expect(out.customers).toBe(50);
    expect(out.files.find((f) => f.feed === 'transactions')?.rows).toBe(3000);
    expect(out.arrearsCustomersFile).toBeNull();
  });
});

describe('monthly-statement from the bank feeds', () => {
  let tried: TriedFeeds;
  let statement: CompiledTemplate;
  beforeAll(async () => {
    statement = await template('monthly-statement');
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'statement.sqlite'),
      customersFile: BANK_CUSTOMERS,
      mappingFile: BANK_MAPPING,
      files: generated.files,
      datasource: 'monthly-statement',
      asOf: AS_OF,
    });
  });

  it('loads every feed with matching control totals, no rejects and no orphans', () => {
    expect(tried.loads.map((l) => [l.feed, l.control.status, l.rejected, l.orphans.count])).toEqual([
      ['accounts', 'ok', 0, 0],
      ['transactions', 'ok', 0, 0],
      ['account-history', 'ok', 0, 0],
    ]);
  });

  it("satisfies the template's data contract (schema and layout)", async () => {
    expect(await checkDataContract(statement, tried.datasource.program.shape, AS_OF)).toEqual([]);
  });

  it('assembles a valid statement for every generated customer; closing balance = the balance trait', () => {
    const covered = tried.customers.slice(0, LIMIT);
    for (const customer of covered) {
      const data = documentOf(tried, customer);
      statement.validateData(data);
      expect(data.closingBalance).toBe(customer.traits.balance);
      const totals = data.totals as { paidIn: number; paidOut: number };
      const spending = data.spending as { month: string; amount: number }[];
      expect(spending).toHaveLength(12);
      expect(spending.at(-1)).toEqual({ month: '2026-11-01', amount: totals.paidOut });
      const currency = (data.account as { currency: string }).currency;
      expect(currency).toBe(customer.locale.startsWith('zh') ? 'CNY' : 'GBP');
    }
    // Customers the generator was not given have no account: they fail alone.
    const uncovered = tried.documents.get(tried.customers[LIMIT]!.id);
    expect(uncovered).toMatchObject({ ok: false, error: { code: 'MSV_DATA_MISSING' } });
  });

  it('renders a statement PDF from the feeds in each locale', async () => {
    for (const locale of ['zh-CN', 'en-GB']) {
      const customer = tried.customers.slice(0, LIMIT).find((c) => c.locale === locale)!;
      const data = statement.validateData(documentOf(tried, customer));
      const { artifact } = await renderForChannel(statement, 'print', data, {
        asOf: AS_OF,
        locale,
        brand: testBrandSource('bank'),
      });
      expect(Buffer.from(artifact.bytes).subarray(0, 5).toString()).toBe('%PDF-');
      expect(artifact.pages).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('payment-reminder from the arrears feed', () => {
  let tried: TriedFeeds;
  let reminder: CompiledTemplate;
  beforeAll(async () => {
    reminder = await template('payment-reminder');
    tried = await tryFeeds({
      sqlitePath: path.join(dir, 'reminder.sqlite'),
      customersFile: BANK_CUSTOMERS,
      mappingFile: BANK_MAPPING,
      files: generated.files,
      datasource: 'payment-reminder',
      asOf: AS_OF,
    });
  });

  it("satisfies the template's data contract", async () => {
    expect(tried.loads.map((l) => [l.feed, l.control.status, l.rejected, l.orphans.count])).toEqual([
      ['arrears', 'ok', 0, 0],
    ]);
    expect(await checkDataContract(reminder, tried.datasource.program.shape, AS_OF)).toEqual([]);
  });

  it('reminds exactly the customers in arrears; the others fail alone with MSV_DATA_MISSING', async () => {
    const arrears = generated.files.find((f) => f.feed === 'arrears')!;
    expect(arrears.rows).toBeGreaterThan(0);
    const inArrears = tried.customers.filter((c) => tried.documents.get(c.id)?.ok);
    expect(inArrears).toHaveLength(arrears.rows);
    expect(generated.arrearsCustomers).toBe(arrears.rows);
    for (const customer of tried.customers) {
      const assembled = tried.documents.get(customer.id)!;
      if (!assembled.ok) {
        expect(assembled.error.code).toBe('MSV_DATA_MISSING');
        continue;
      }
      const data = reminder.validateData(assembled.data);
      expect(data.dueDate).toBe('2026-12-14');
      expect(data.payUrl).toMatch(/^https:\/\/pay\.missive-bank\.example\/r\/PR2611CA\d+$/);
    }
    // The arrears customer file imports (with its mapping) as exactly those customers, same records.
    const reimported: Customer[] = [];
    for await (const { customer } of customersOf(
      generated.arrearsCustomersFile!,
      generated.arrearsMappingFile!,
    )) {
      reimported.push(customer);
    }
    expect(reimported).toEqual(inArrears);
    const header = (await fs.readFile(generated.arrearsCustomersFile!, 'utf8')).split('\n')[0];
    expect(header?.startsWith(`${ARREARS_ID_COLUMN},age,job`)).toBe(true);
  });

  it('renders the reminder email and SMS from the feed', async () => {
    const customer = tried.customers.find((c) => tried.documents.get(c.id)?.ok)!;
    const data = reminder.validateData(documentOf(tried, customer));
    const options = { asOf: AS_OF, locale: customer.locale, brand: testBrandSource('bank') };
    const email = await renderForChannel(reminder, 'email', data, options);
    const sms = await renderForChannel(reminder, 'sms', data, options);
    expect(Buffer.from(email.artifact.bytes).toString()).toContain(String(data.payUrl));
    expect(Buffer.from(sms.artifact.bytes).toString()).toContain(String(data.payUrl));
  });
});

function documentOf(tried: TriedFeeds, customer: Customer): Record<string, unknown> {
  const assembled = tried.documents.get(customer.id);
  if (!assembled?.ok)
    throw new Error(`customer ${customer.id}: ${assembled?.error.message ?? 'no document'}`);
  return assembled.data;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}
