import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type SeededRandom, seededRandom } from '../../src/core/seeded-random.ts';
import { addMonths } from '../../src/customers/feeds/period.ts';
import { currencyFor } from '../bank-statements/account.ts';
import { checkAsOf, describeFeeds, isMain, positiveInteger, runMain, UsageError } from '../cli-support.ts';
import { BANK_CUSTOMERS, BANK_MAPPING, customersOf, type FeedCustomer } from '../customer-source.ts';
import { csvCell, FeedWriter, money, type WrittenFeed } from '../feed-writer.ts';

/**
 * The bank's insurance partner's policies extract for the example customers:
 *
 *   policies-<asOf>.csv   insurance-cross-sell  policies  (customer → policy), with its control file
 *
 * Who holds what follows the bank-marketing traits: buildings & contents cover for most mortgage
 * holders, life cover for married customers and borrowers, motor for about 4 in 10, travel for the
 * customers who travel for work, renters' contents for some younger customers; about 1 policy in 10
 * has lapsed. Deterministic (seeded by customer id + as-of). See README.md in this folder.
 */
export const POLICY_COLUMNS = [
  'policy_number',
  'customer_id',
  'product',
  'status',
  'start_date',
  'renewal_date',
  'annual_premium',
  'currency',
] as const;

export interface InsuranceFeedOptions {
  asOf: string;
  outDir: string;
  customersFile?: string;
  mappingFile?: string;
  limit?: number;
}

export interface GeneratedInsuranceFeeds {
  asOf: string;
  files: WrittenFeed[];
  customers: number;
  /** Customers with at least one policy. */
  holders: number;
  rows: number;
}

/** [product, policy number prefix, annual premium range in minor units of GBP/EUR]. */
type Product = readonly [string, string, number, number];
const HOME: Product = ['home', 'HOM', 18_000, 60_000];
const CONTENTS: Product = ['contents', 'CON', 6_000, 20_000];
const LIFE: Product = ['life', 'LIF', 12_000, 90_000];
const MOTOR: Product = ['motor', 'MOT', 30_000, 120_000];
const TRAVEL: Product = ['travel', 'TRV', 4_000, 15_000];

export async function generateInsuranceFeeds(
  options: InsuranceFeedOptions,
): Promise<GeneratedInsuranceFeeds> {
  const asOf = checkAsOf(options.asOf);
  await fs.mkdir(options.outDir, { recursive: true });
  const writer = await FeedWriter.open({
    datasource: 'insurance-cross-sell',
    feed: 'policies',
    file: path.join(options.outDir, `policies-${asOf}.csv`),
    columns: POLICY_COLUMNS,
    asOf,
    amountDecimals: 2,
  });
  let customers = 0;
  let holders = 0;
  try {
    const source = customersOf(
      options.customersFile ?? BANK_CUSTOMERS,
      options.mappingFile ?? BANK_MAPPING,
      options.limit,
    );
    for await (const { customer } of source) {
      customers += 1;
      if (writePolicies(writer, customer, asOf) > 0) holders += 1;
      await writer.pressure();
    }
  } catch (err) {
    writer.destroy();
    throw err;
  }
  const file = await writer.close();
  return { asOf, files: [file], customers, holders, rows: file.rows };
}

const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/** The products this customer holds (before lapses). */
function productsOf(customer: FeedCustomer, rng: SeededRandom): Product[] {
  const t = customer.traits;
  const age = typeof t.age === 'number' ? t.age : 40;
  const mortgage = t.hasHousingLoan === true;
  const out: Product[] = [];
  if (rng.chance(mortgage ? 0.85 : 0.25)) out.push(HOME);
  else if (age < 40 && rng.chance(0.2)) out.push(CONTENTS);
  const married = lower(t.marital) === 'married';
  if (rng.chance((married && age >= 28 && age <= 60 ? 0.35 : 0.1) + (mortgage ? 0.2 : 0))) out.push(LIFE);
  if (rng.chance(0.4)) out.push(MOTOR);
  const travels = ['management', 'entrepreneur', 'self-employed'].includes(lower(t.job));
  if (rng.chance(travels ? 0.3 : 0.08)) out.push(TRAVEL);
  return out;
}

/** Writes the customer's policies; returns how many. */
function writePolicies(writer: FeedWriter, customer: FeedCustomer, asOf: string): number {
  const rng = seededRandom('missive-example-policies-v1', customer.id, asOf);
  const factor = /^zh\b/i.test(customer.locale) ? 5 : 1;
  const currency = currencyFor(customer.locale);
  const digits = customer.id
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
    .padStart(6, '0');
  const products = productsOf(customer, rng);
  for (const [i, [product, prefix, min, max]] of products.entries()) {
    const monthsAgo = 1 + rng.int(120);
    const start = addMonths(`${asOf.slice(0, 8)}01`, -monthsAgo);
    const startDay = `${start.slice(0, 8)}${String(1 + rng.int(28)).padStart(2, '0')}`;
    const renewal = addMonths(startDay, 12 * Math.ceil(monthsAgo / 12));
    const premium = rng.between(min, max) * factor;
    const lapsed = rng.chance(0.1);
    writer.row(
      [
        `${prefix}${start.slice(0, 4)}-${digits}-${i + 1}`,
        csvCell(customer.id),
        product,
        lapsed ? 'lapsed' : 'active',
        startDay,
        lapsed ? '' : renewal,
        money(premium),
        currency,
      ].join(','),
      premium,
    );
  }
  return products.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'as-of': { type: 'string' },
      customers: { type: 'string' },
      mapping: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  if (!values.out) throw new UsageError('--out DIR is required (where the feed files go)');
  const limit = positiveInteger('limit', values.limit);
  const result = await generateInsuranceFeeds({
    asOf: checkAsOf(values['as-of']),
    outDir: values.out,
    ...(values.customers ? { customersFile: values.customers } : {}),
    ...(values.mapping ? { mappingFile: values.mapping } : {}),
    ...(limit === undefined ? {} : { limit }),
  });
  process.stdout.write(
    `${result.customers.toLocaleString('en-GB')} customers, ${result.holders.toLocaleString('en-GB')} with a policy, ${result.rows.toLocaleString('en-GB')} policies\n${describeFeeds(result.files, result.asOf)}`,
  );
}

if (isMain(import.meta.url)) runMain(main);
