import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../src/core/seeded-random.ts';
import { addDays } from '../../src/customers/feeds/period.ts';
import type { SourceRow } from '../../src/customers/source-row.ts';
import { checkAsOf, describeFeeds, isMain, positiveInteger, runMain, UsageError } from '../cli-support.ts';
import {
  BANK_CUSTOMERS,
  BANK_MAPPING,
  customersOf,
  type FeedCustomer,
  type SourcedCustomer,
  syntheticCustomers,
} from '../customer-source.ts';
import { csvCell, FeedWriter, money, type WrittenFeed } from '../feed-writer.ts';
import { type AccountRecord, accountFor } from './account.ts';
import { amountFactor, type MonthOfActivity, monthlyHistory, monthOfActivity } from './activity.ts';

/**
 * A bank's month-end extracts for the example customers, written as feed files with control files:
 *
 *   accounts-<asOf>.csv          monthly-statement  accounts          (customer → account)
 *   transactions-<asOf>.csv      monthly-statement  transactions      (account → booking)
 *   account-history-<asOf>.csv   monthly-statement  account-history   (account → month in/out, 12 months)
 *   arrears-<asOf>.csv           payment-reminder   arrears           (customer → amount overdue)
 *   arrears-customers-<asOf>.csv + arrears-mapping.json: the customers in arrears, for
 *                                `missive run payment-reminder --customers … --mapping …`
 *
 * The columns are the ones datasources/monthly-statement and datasources/payment-reminder read.
 * Deterministic (seeded by customer id + as-of) and streaming: any number of customers in flat memory.
 * See README.md in this folder.
 */
export interface BankStatementOptions {
  /** Customer file, read as `missive customers import` reads it (default: examples/customers-sample.csv). */
  customersFile?: string;
  /** Its mapping (default: examples/bank-marketing/mapping.json). */
  mappingFile?: string;
  /** Instead of a file: customers "1" … "N" (benchmarks). */
  syntheticCustomers?: number;
  asOf: string;
  outDir: string;
  /** Only the first N customers of the file. */
  limit?: number;
  /** Exactly this many transactions per customer (default: a seeded 8–60). */
  transactions?: number;
}

export interface GeneratedBankFeeds {
  asOf: string;
  files: WrittenFeed[];
  customers: number;
  /** Data rows written over all feed files. */
  rows: number;
  /** Customers with a row in the arrears feed. */
  arrearsCustomers: number;
  /** The arrears customers as a customer file, and the mapping that imports it (not in synthetic mode). */
  arrearsCustomersFile: string | null;
  arrearsMappingFile: string | null;
}

/** The id column the arrears customer file adds in front of the original columns. */
export const ARREARS_ID_COLUMN = 'missive_customer_id';

export const BANK_FEED_COLUMNS = {
  accounts: [
    'account_id',
    'customer_id',
    'account_number',
    'sort_code',
    'iban',
    'bic',
    'currency',
    'opening_balance',
    'overdraft_limit',
  ],
  transactions: ['transaction_id', 'account_id', 'booking_date', 'description', 'amount', 'type'],
  'account-history': ['account_id', 'month', 'paid_in', 'paid_out'],
  arrears: [
    'arrears_id',
    'customer_id',
    'account_number',
    'currency',
    'amount_due',
    'due_date',
    'reason',
    'reference',
  ],
} as const;

interface Writers {
  accounts: FeedWriter;
  transactions: FeedWriter;
  history: FeedWriter;
  arrears: FeedWriter;
  arrearsCustomers: ArrearsCustomerWriter | null;
}

export async function generateBankStatementFeeds(options: BankStatementOptions): Promise<GeneratedBankFeeds> {
  const asOf = checkAsOf(options.asOf);
  await fs.mkdir(options.outDir, { recursive: true });
  const customersFile = options.customersFile ?? BANK_CUSTOMERS;
  const mappingFile = options.mappingFile ?? BANK_MAPPING;
  const source: AsyncIterable<SourcedCustomer> =
    options.syntheticCustomers === undefined
      ? customersOf(customersFile, mappingFile, options.limit)
      : syntheticCustomers(options.syntheticCustomers);
  const writers = await openWriters(options.outDir, asOf, options.syntheticCustomers === undefined);
  let customers = 0;
  let arrearsCustomers = 0;
  try {
    for await (const { customer, row } of source) {
      customers += 1;
      if (writeCustomer(writers, customer, asOf, options.transactions)) {
        arrearsCustomers += 1;
        if (row) writers.arrearsCustomers?.write(customer.id, row);
      }
      await Promise.all([
        writers.transactions.pressure(),
        writers.accounts.pressure(),
        writers.history.pressure(),
        writers.arrears.pressure(),
      ]);
    }
  } catch (err) {
    for (const w of [writers.accounts, writers.transactions, writers.history, writers.arrears]) w.destroy();
    throw err;
  }
  const files = [
    await writers.accounts.close(),
    await writers.transactions.close(),
    await writers.history.close(),
    await writers.arrears.close(),
  ];
  const arrearsCustomersFile = (await writers.arrearsCustomers?.close()) ?? null;
  const arrearsMappingFile =
    writers.arrearsCustomers === null ? null : await writeArrearsMapping(mappingFile, options.outDir);
  return {
    asOf,
    files,
    customers,
    rows: files.reduce((n, f) => n + f.rows, 0),
    arrearsCustomers,
    arrearsCustomersFile,
    arrearsMappingFile,
  };
}

async function openWriters(outDir: string, asOf: string, withCustomerFile: boolean): Promise<Writers> {
  const open = (datasource: string, feed: keyof typeof BANK_FEED_COLUMNS, amountDecimals?: number) =>
    FeedWriter.open({
      datasource,
      feed,
      file: path.join(outDir, `${feed}-${asOf}.csv`),
      columns: BANK_FEED_COLUMNS[feed],
      asOf,
      ...(amountDecimals === undefined ? {} : { amountDecimals }),
    });
  return {
    accounts: await open('monthly-statement', 'accounts', 2),
    transactions: await open('monthly-statement', 'transactions', 2),
    history: await open('monthly-statement', 'account-history'),
    arrears: await open('payment-reminder', 'arrears', 2),
    arrearsCustomers: withCustomerFile
      ? new ArrearsCustomerWriter(path.join(outDir, `arrears-customers-${asOf}.csv`))
      : null,
  };
}

const descriptionCells = new Map<string, string>();
const cell = (text: string): string => {
  let out = descriptionCells.get(text);
  if (out === undefined) {
    out = csvCell(text);
    descriptionCells.set(text, out);
  }
  return out;
};

/** Writes one customer's rows to every feed; true when the customer is in arrears. */
function writeCustomer(writers: Writers, customer: FeedCustomer, asOf: string, count?: number): boolean {
  const month = monthOfActivity(customer, asOf, count);
  const account = accountFor(customer, month.closingCents);
  const { accountId } = account;
  /** Ids from a customer file may need quoting; the bank-marketing ones never do. */
  const acc = csvCell(accountId);
  const quoted = acc !== accountId;
  writers.accounts.row(
    [
      acc,
      csvCell(customer.id),
      account.number,
      account.sortCode,
      account.iban,
      account.bic,
      account.currency,
      money(month.openingCents),
      money(account.overdraftCents),
    ].join(','),
    month.openingCents,
  );
  const datePrefix = asOf.slice(0, 8);
  for (const [i, b] of month.bookings.entries()) {
    const seq = i < 9 ? `00${i + 1}` : i < 99 ? `0${i + 1}` : String(i + 1);
    const day = b.day < 10 ? `0${b.day}` : String(b.day);
    const id = quoted ? csvCell(`${accountId}-${seq}`) : `${accountId}-${seq}`;
    writers.transactions.row(
      `${id},${acc},${datePrefix}${day},${cell(b.description)},${money(b.cents)},${b.kind ?? ''}`,
      b.cents,
    );
  }
  for (const h of monthlyHistory(customer.id, asOf, month)) {
    writers.history.row(`${acc},${h.month},${money(h.paidInCents)},${money(h.paidOutCents)}`);
  }
  const arrears = arrearsOf(customer, month, account);
  if (arrears === null) return false;
  writers.arrears.row(
    [
      csvCell(`AR${asOf.slice(2, 4)}${asOf.slice(5, 7)}${accountId}`),
      csvCell(customer.id),
      account.number,
      account.currency,
      money(arrears.cents),
      addDays(asOf, 14),
      arrears.reason,
      `PR${asOf.slice(2, 4)}${asOf.slice(5, 7)}${accountId}`.toUpperCase().replace(/[^A-Z0-9]/g, ''),
    ].join(','),
    arrears.cents,
  );
  return true;
}

/**
 * What the customer owes now, if anything: the amount over an arranged overdraft, a missed loan
 * repayment (customers in credit default always; other borrowers 1 in 10), a card balance in default.
 * Customers without traits (synthetic mode) are in arrears 1 time in 30, with fees.
 */
function arrearsOf(
  customer: FeedCustomer,
  month: MonthOfActivity,
  account: AccountRecord,
): { cents: number; reason: string } | null {
  const rng = seededRandom('missive-example-arrears-v1', customer.id, String(month.closingCents));
  const inDefault = customer.traits.hasCreditDefault === true;
  const reasons: string[] = [];
  let cents = 0;
  const over = -month.closingCents - account.overdraftCents;
  if (over > 0) {
    cents += over;
    reasons.push('overdraft');
  }
  if (month.loanRepaymentCents > 0 && (inDefault || rng.chance(0.1))) {
    cents += month.loanRepaymentCents;
    reasons.push('loan');
  } else if (inDefault) {
    cents += rng.between(10_000, 150_000) * amountFactor(month.culture);
    reasons.push('card');
  }
  if (Object.keys(customer.traits).length === 0 && rng.chance(1 / 30)) {
    cents += rng.between(5_000, 50_000) * amountFactor(month.culture);
    reasons.push('fees');
  }
  return cents > 0 ? { cents, reason: reasons.join('+') } : null;
}

/**
 * The arrears customers' own records, copied from the customer file with their id in front, so
 * `missive run payment-reminder --customers FILE --mapping arrears-mapping.json` covers exactly them
 * (the file's row numbers change in a subset; the id column keeps each customer's id and identity).
 */
class ArrearsCustomerWriter {
  #lines: string[] = [];
  #columns: readonly string[] | null = null;

  constructor(readonly file: string) {}

  write(id: string, row: SourceRow): void {
    this.#columns ??= row.values.keys();
    const cells = this.#columns.map((c) => csvCell(String(row.values.get(c) ?? '')));
    this.#lines.push([csvCell(id), ...cells].join(','));
  }

  async close(): Promise<string> {
    const header = [ARREARS_ID_COLUMN, ...(this.#columns ?? [])].map((c) => csvCell(c)).join(',');
    await fs.writeFile(this.file, `${[header, ...this.#lines].join('\n')}\n`);
    return this.file;
  }
}

/** The customer mapping with the id read from the arrears file's id column. */
async function writeArrearsMapping(mappingFile: string, outDir: string): Promise<string> {
  const mapping = JSON.parse(await fs.readFile(mappingFile, 'utf8')) as Record<string, unknown>;
  const file = path.join(outDir, 'arrears-mapping.json');
  const copy = {
    ...mapping,
    description: `${path.basename(mappingFile)} for the arrears customer file: the id is read from ${ARREARS_ID_COLUMN}.`,
    id: { from: ARREARS_ID_COLUMN },
  };
  await fs.writeFile(file, `${JSON.stringify(copy, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'as-of': { type: 'string' },
      customers: { type: 'string' },
      mapping: { type: 'string' },
      limit: { type: 'string' },
      'synthetic-customers': { type: 'string' },
      transactions: { type: 'string' },
    },
  });
  if (!values.out) throw new UsageError('--out DIR is required (where the feed files go)');
  const synthetic = positiveInteger('synthetic-customers', values['synthetic-customers']);
  if (synthetic !== undefined && (values.customers || values.mapping)) {
    throw new UsageError('--synthetic-customers replaces --customers/--mapping: give one or the other');
  }
  const limit = positiveInteger('limit', values.limit);
  const transactions = positiveInteger('transactions', values.transactions);
  const started = Date.now();
  const result = await generateBankStatementFeeds({
    asOf: checkAsOf(values['as-of']),
    outDir: values.out,
    ...(values.customers ? { customersFile: values.customers } : {}),
    ...(values.mapping ? { mappingFile: values.mapping } : {}),
    ...(synthetic === undefined ? {} : { syntheticCustomers: synthetic }),
    ...(limit === undefined ? {} : { limit }),
    ...(transactions === undefined ? {} : { transactions }),
  });
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `${result.customers.toLocaleString('en-GB')} customers, ${result.rows.toLocaleString('en-GB')} rows in ${seconds.toFixed(1)} s\n${describeFeeds(result.files, result.asOf)}`,
  );
  if (result.arrearsCustomersFile && result.arrearsMappingFile) {
    process.stdout.write(
      `${result.arrearsCustomers} customers in arrears; remind them with:\n  missive run payment-reminder --as-of ${result.asOf} --customers ${path.relative('.', result.arrearsCustomersFile)} --mapping ${path.relative('.', result.arrearsMappingFile)}\n`,
    );
  }
}

if (isMain(import.meta.url)) runMain(main);
