import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type SeededRandom, seededRandom } from '../../src/core/seeded-random.ts';
import { monthsEnding } from '../../src/customers/feeds/period.ts';
import { checkAsOf, describeFeeds, isMain, positiveInteger, runMain, UsageError } from '../cli-support.ts';
import { customersOf, EXAMPLES_DIR, type FeedCustomer } from '../customer-source.ts';
import { csvCell, FeedWriter, money, type WrittenFeed } from '../feed-writer.ts';
import { TELCO_CUSTOMER_COUNT, telcoCustomersCsv } from './customers.ts';

/**
 * A telecom operator's billing extracts for the month, for the customers of examples/telco/customers.csv
 * (read through examples/telco/mapping.json, as `missive customers import` reads them):
 *
 *   subscriptions-<asOf>.csv  telecom-bill  subscriptions  (customer → subscription: number, plan, charge)
 *   usage-<asOf>.csv          telecom-bill  usage          (subscription → call, SMS, data line)
 *   roaming-<asOf>.csv        telecom-bill  roaming        (subscription → country visited)
 *   data-usage-<asOf>.csv     telecom-bill  data-usage     (subscription → GB per month, 12 months)
 *
 * Each with its control file. The columns are the ones datasources/telecom-bill/datasource.yaml reads.
 * Deterministic: seeded by customer id + as-of. See README.md in this folder.
 */
export const TELCO_DIR = path.join(EXAMPLES_DIR, 'telco');
export const TELCO_CUSTOMERS = path.join(TELCO_DIR, 'customers.csv');
export const TELCO_MAPPING = path.join(TELCO_DIR, 'mapping.json');

export const TELCO_FEED_COLUMNS = {
  subscriptions: [
    'subscription_id',
    'customer_id',
    'account_number',
    'msisdn',
    'plan',
    'contract',
    'start_date',
    'monthly_charge',
    'currency',
    'payment_reference',
  ],
  usage: ['subscription_id', 'date', 'kind', 'detail', 'quantity', 'cost'],
  roaming: ['subscription_id', 'country', 'days', 'data_mb', 'cost'],
  'data-usage': ['subscription_id', 'month', 'gb'],
} as const;

export interface TelcoFeedOptions {
  asOf: string;
  outDir: string;
  customersFile?: string;
  mappingFile?: string;
  limit?: number;
}

export interface GeneratedTelcoFeeds {
  asOf: string;
  files: WrittenFeed[];
  customers: number;
  rows: number;
}

type Feed = keyof typeof TELCO_FEED_COLUMNS;

export async function generateTelcoFeeds(options: TelcoFeedOptions): Promise<GeneratedTelcoFeeds> {
  const asOf = checkAsOf(options.asOf);
  await fs.mkdir(options.outDir, { recursive: true });
  const open = (feed: Feed, amountDecimals: number) =>
    FeedWriter.open({
      datasource: 'telecom-bill',
      feed,
      file: path.join(options.outDir, `${feed}-${asOf}.csv`),
      columns: TELCO_FEED_COLUMNS[feed],
      asOf,
      amountDecimals,
    });
  const writers = {
    subscriptions: await open('subscriptions', 2),
    usage: await open('usage', 2),
    roaming: await open('roaming', 2),
    'data-usage': await open('data-usage', 1),
  } satisfies Record<Feed, FeedWriter>;
  let customers = 0;
  try {
    const source = customersOf(
      options.customersFile ?? TELCO_CUSTOMERS,
      options.mappingFile ?? TELCO_MAPPING,
      options.limit,
    );
    for await (const { customer } of source) {
      writeSubscription(writers, customer, customers, asOf);
      customers += 1;
      for (const w of Object.values(writers)) await w.pressure();
    }
  } catch (err) {
    for (const w of Object.values(writers)) w.destroy();
    throw err;
  }
  const files: WrittenFeed[] = [];
  for (const w of Object.values(writers)) files.push(await w.close());
  return { asOf, files, customers, rows: files.reduce((n, f) => n + f.rows, 0) };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** "Fibre · Talk & Text · TV & Movies": the plan's name from the services the customer has. */
export function planName(traits: FeedCustomer['traits']): string {
  const parts: string[] = [];
  const internet = text(traits.internetService);
  if (internet === 'Fiber optic') parts.push('Fibre');
  else if (internet === 'DSL') parts.push('Broadband');
  if (traits.phoneService === true)
    parts.push(text(traits.multipleLines) === 'Yes' ? 'Talk & Text, 2 lines' : 'Talk & Text');
  else parts.push('Data SIM');
  const tv = text(traits.streamingTV) === 'Yes';
  const movies = text(traits.streamingMovies) === 'Yes';
  if (tv || movies) parts.push(tv && movies ? 'TV & Movies' : tv ? 'TV' : 'Movies');
  return parts.join(' · ');
}

const CONTRACT_MONTHS: Readonly<Record<string, number>> = { 'One year': 12, 'Two year': 24 };

function writeSubscription(
  writers: Record<Feed, FeedWriter>,
  customer: FeedCustomer,
  n: number,
  asOf: string,
) {
  const { traits } = customer;
  const rng = seededRandom('missive-example-telco-bill-v1', customer.id, asOf);
  const compact = customer.id.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const sub = csvCell(`S-${customer.id}`);
  const charge = Math.round(Number(traits.monthlyCharges ?? 0) * 100);
  const tenure = typeof traits.tenure === 'number' ? traits.tenure : 0;
  const start = monthsEnding(asOf, tenure + 1)[0]!;
  const contract = text(traits.contract);
  writers.subscriptions.row(
    [
      sub,
      csvCell(customer.id),
      csvCell(`MM-${customer.id}`),
      msisdn(n),
      csvCell(planName(traits)),
      csvCell(CONTRACT_MONTHS[contract] ? `${CONTRACT_MONTHS[contract]} months` : 'Rolling monthly'),
      start,
      money(charge),
      'GBP',
      `MM${compact}${asOf.slice(2, 4)}${asOf.slice(5, 7)}`.slice(0, 30),
    ].join(','),
    charge,
  );
  const dataMb = writeUsage(writers.usage, sub, traits.phoneService === true, asOf, rng);
  if (traits.phoneService === true && rng.chance(0.12)) writeRoaming(writers.roaming, sub, rng);
  writeDataHistory(writers['data-usage'], sub, tenure, dataMb, asOf, rng);
}

/** 07700 9xxxxx, one per customer in file order (see README: fictional numbers). */
const msisdn = (n: number): string => `07700 9${String(n % 100_000).padStart(5, '0')}`;

/** Numbers in Ofcom's ranges reserved for drama: never anyone's real number. */
function dialled(rng: SeededRandom): string {
  const k = String(rng.int(1000)).padStart(3, '0');
  const u = rng.next();
  return u < 0.6 ? `07700 900${k}` : u < 0.85 ? `01632 960${k}` : `020 7946 0${k}`;
}

/** The month's itemised usage, in date order; returns the mobile data used (MB). */
function writeUsage(w: FeedWriter, sub: string, phone: boolean, asOf: string, rng: SeededRandom): number {
  const lastDay = Number(asOf.slice(8, 10));
  const count = phone ? rng.between(4, 36) : rng.between(2, 8);
  const lines: { day: number; cells: string; cost: number; mb: number }[] = [];
  for (let i = 0; i < count; i++) {
    const day = 1 + rng.int(lastDay);
    const u = phone ? rng.next() : 0.9;
    if (u < 0.5) {
      const minutes = rng.between(1, 45);
      const cost = rng.chance(0.25) ? minutes * rng.between(5, 55) : 0;
      lines.push({ day, cells: `Call,${dialled(rng)},${minutes} min`, cost, mb: 0 });
    } else if (u < 0.75) {
      const cost = rng.chance(0.15) ? 25 : 0;
      lines.push({ day, cells: `SMS,${dialled(rng)},1`, cost, mb: 0 });
    } else {
      const mb = rng.between(150, 3000);
      const cost = rng.chance(0.1) ? rng.between(2, 10) * 100 : 0;
      lines.push({ day, cells: `Data,${cost > 0 ? 'Data add-on' : 'Mobile data'},${mb} MB`, cost, mb });
    }
  }
  lines.sort((a, b) => a.day - b.day);
  let mb = 0;
  for (const l of lines) {
    mb += l.mb;
    w.row(`${sub},${asOf.slice(0, 8)}${String(l.day).padStart(2, '0')},${l.cells},${money(l.cost)}`, l.cost);
  }
  return mb;
}

/** [country, daily charge in pence]: Europe at the operator's daily rate, the rest of the world dearer. */
const DESTINATIONS: readonly (readonly [string, number])[] = [
  ['France', 225],
  ['Spain', 225],
  ['Italy', 225],
  ['Portugal', 225],
  ['Greece', 225],
  ['Ireland', 0],
  ['Netherlands', 225],
  ['Germany', 225],
  ['United States', 600],
  ['Turkey', 600],
  ['China', 600],
  ['United Arab Emirates', 600],
];

function writeRoaming(w: FeedWriter, sub: string, rng: SeededRandom): void {
  const trips = rng.chance(0.8) ? 1 : 2;
  for (let i = 0; i < trips; i++) {
    const [country, rate] = rng.pick(DESTINATIONS);
    const days = rng.between(1, 14);
    const cost = days * rate;
    w.row(`${sub},${csvCell(country)},${days},${rng.between(20, 400) * days},${money(cost)}`, cost);
  }
}

/** GB used per month since the customer joined (at most 12 months); the last month is this bill's data lines. */
function writeDataHistory(
  w: FeedWriter,
  sub: string,
  tenure: number,
  dataMb: number,
  asOf: string,
  rng: SeededRandom,
): void {
  const thisMonth = Math.round(dataMb / 100);
  const typical = Math.max(10, thisMonth);
  const months = monthsEnding(asOf, 12);
  for (const [i, month] of months.entries()) {
    const back = 11 - i;
    if (back > tenure) continue;
    const tenths = back === 0 ? thisMonth : Math.round((typical * rng.between(60, 140)) / 100);
    w.row(`${sub},${month},${Math.floor(tenths / 10)}.${tenths % 10}`, tenths);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'as-of': { type: 'string' },
      customers: { type: 'string' },
      mapping: { type: 'string' },
      limit: { type: 'string' },
      'write-customers': { type: 'string' },
      count: { type: 'string' },
    },
  });
  if (values['write-customers'] !== undefined) {
    const count = positiveInteger('count', values.count) ?? TELCO_CUSTOMER_COUNT;
    await fs.writeFile(values['write-customers'], telcoCustomersCsv(count));
    process.stdout.write(`${count.toLocaleString('en-GB')} customers → ${values['write-customers']}\n`);
    return;
  }
  if (!values.out)
    throw new UsageError('--out DIR is required (where the feed files go), or --write-customers FILE');
  const limit = positiveInteger('limit', values.limit);
  const result = await generateTelcoFeeds({
    asOf: checkAsOf(values['as-of']),
    outDir: values.out,
    ...(values.customers ? { customersFile: values.customers } : {}),
    ...(values.mapping ? { mappingFile: values.mapping } : {}),
    ...(limit === undefined ? {} : { limit }),
  });
  process.stdout.write(
    `${result.customers.toLocaleString('en-GB')} customers, ${result.rows.toLocaleString('en-GB')} rows\n${describeFeeds(result.files, result.asOf)}`,
  );
}

if (isMain(import.meta.url)) runMain(main);
