import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { accountFor } from '../../examples/bank-statements/account.ts';
import { monthlyHistory, monthOfActivity } from '../../examples/bank-statements/activity.ts';
import { money } from '../../examples/feed-writer.ts';
import { hash32 } from '../../src/core/seeded-random.ts';
import type { Customer } from '../../src/core/types.ts';
import type { FeedRow } from '../../src/customers/feeds/document-spec.ts';
import { compileFeedRow } from '../../src/customers/feeds/feed-parse.ts';
import { type DataSource, loadFeed, requireDataSource } from '../../src/customers/index.ts';
import type { Database } from '../../src/store/schema.ts';
import type { DocumentData } from '../../src/templates/types.ts';

/** The repository (not from stores.ts, which needs vitest: the benchmarks use this file too). */
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * The monthly statement's feeds (accounts, transactions, account history) for test customers,
 * written as CSV extracts with control files and loaded through `loadFeed` — the path a bank's
 * extracts take. Small and deterministic (per customer id): 3–8 bookings in the as-of month, the
 * closing balance equal to the `balance` trait when there is one. `datasource`: another data source
 * with the statement's feeds (default: the shipped monthly-statement).
 */
export async function loadStatementFeeds(
  db: Kysely<Database>,
  customers: readonly Customer[],
  asOf: string,
  options: { skip?: ReadonlySet<string>; datasource?: DataSource } = {},
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-feeds-'));
  try {
    const files = writeStatementFeeds(
      dir,
      customers.filter((c) => !options.skip?.has(c.id)),
      asOf,
    );
    const datasource =
      options.datasource ?? (await requireDataSource(path.join(ROOT, 'datasources'), 'monthly-statement'));
    for (const feed of ['accounts', 'transactions', 'account-history'] as const) {
      await loadFeed({ db, datasource, feed, file: files[feed], asOf });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cents = (n: number): string => (n / 100).toFixed(2);

export function writeStatementFeeds(
  dir: string,
  customers: readonly Customer[],
  asOf: string,
): Record<'accounts' | 'transactions' | 'account-history', string> {
  const month = asOf.slice(0, 7);
  const accounts = [
    'account_id,customer_id,account_number,sort_code,iban,bic,currency,opening_balance,overdraft_limit',
  ];
  const transactions = ['transaction_id,account_id,booking_date,description,amount,type'];
  const history = ['account_id,month,paid_in,paid_out'];
  let openingSum = 0;
  let amountSum = 0;
  let txCount = 0;
  for (const c of customers) {
    const h = hash32(`test-statement\u0000${c.id}`);
    const accountId = `ACC-${c.id}`;
    const digits = String(h).padStart(10, '0').slice(-8);
    const currency = /^zh/i.test(c.locale) ? 'CNY' : c.locale === 'en-GB' ? 'GBP' : 'EUR';
    const amounts = Array.from({ length: 3 + (h % 6) }, (_, i) => {
      const v = hash32(`${c.id}\u0000${i}`) % 20_000;
      return i === 0 ? 150_000 + v : -(500 + v);
    });
    const sum = amounts.reduce((s, a) => s + a, 0);
    const balance = typeof c.traits.balance === 'number' ? Math.round(c.traits.balance * 100) : 100_000;
    const opening = balance - sum;
    openingSum += opening;
    accounts.push(
      `${accountId},${c.id},12-34-56 ${digits},12-34-56,GB29NWBK601613${digits},NWBKGB2L,${currency},${cents(opening)},50000`,
    );
    amounts.forEach((a, i) => {
      const day = String(1 + ((h >>> i) % 28)).padStart(2, '0');
      transactions.push(
        `${accountId}-${i},${accountId},${month}-${day},${a > 0 ? 'Salary' : `Shop ${i}`},${cents(a)},`,
      );
      amountSum += a;
      txCount += 1;
    });
    const out = amounts.filter((a) => a < 0).reduce((s, a) => s - a, 0);
    history.push(`${accountId},${month}-01,${cents(amounts[0]!)},${cents(out)}`);
  }
  const write = (name: string, lines: string[], control?: string) => {
    const file = path.join(dir, `${name}-${asOf}.csv`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    if (control) fs.writeFileSync(`${file}.ctl`, control);
    return file;
  };
  return {
    accounts: write(
      'accounts',
      accounts,
      `rows=${customers.length}\namount=${cents(openingSum)}\nasOf=${asOf}\n`,
    ),
    transactions: write(
      'transactions',
      transactions,
      `rows=${txCount}\namount=${cents(amountSum)}\nasOf=${asOf}\n`,
    ),
    'account-history': write('account-history', history),
  };
}

let statementSource: Promise<DataSource> | undefined;

/**
 * One customer's monthly-statement document data without a store: the month the example bank books
 * (examples/bank-statements: 8–60 bookings with merchant names in the customer's language, or exactly
 * `transactions`; the account and 12 months of history), as the feeds' rows, typed by the data source's
 * field types and assembled by its `document` section — the data a run renders after the example's
 * extracts are loaded. For render tests that need no run (caches, guards, print streams).
 */
export async function statementDataFor(
  customer: Customer,
  asOf: string,
  options: { transactions?: number } = {},
): Promise<DocumentData> {
  statementSource ??= requireDataSource(path.join(ROOT, 'datasources'), 'monthly-statement');
  const datasource = await statementSource;
  const month = monthOfActivity(customer, asOf, options.transactions);
  const account = accountFor(customer, month.closingCents);
  const accountId = account.accountId;
  const records: Record<string, Record<string, string>[]> = {
    accounts: [
      {
        account_id: accountId,
        customer_id: customer.id,
        account_number: account.number,
        sort_code: account.sortCode,
        iban: account.iban,
        bic: account.bic,
        currency: account.currency,
        opening_balance: money(month.openingCents),
        overdraft_limit: money(account.overdraftCents),
      },
    ],
    transactions: month.bookings.map((b, i) => ({
      transaction_id: `${accountId}-${String(i + 1).padStart(3, '0')}`,
      account_id: accountId,
      booking_date: `${asOf.slice(0, 8)}${String(b.day).padStart(2, '0')}`,
      description: b.description,
      amount: money(b.cents),
      type: b.kind ?? '',
    })),
    'account-history': monthlyHistory(customer.id, asOf, month).map((h) => ({
      account_id: accountId,
      month: h.month,
      paid_in: money(h.paidInCents),
      paid_out: money(h.paidOutCents),
    })),
  };
  const rows = new Map<string, FeedRow[]>();
  for (const [feed, list] of Object.entries(records)) {
    const toRow = compileFeedRow(datasource.spec.feeds[feed]!);
    rows.set(
      feed,
      list.map((record, i) => {
        const mapped = toRow({
          line: i + 2,
          row: i + 1,
          values: { get: (column) => record[column], keys: () => Object.keys(record) },
        });
        if (!mapped.ok) throw new Error(`${feed} row ${i + 1}: ${JSON.stringify(mapped.problems)}`);
        // As the store keeps a feed row: its typed values as JSON.
        return JSON.parse(JSON.stringify(mapped.values)) as FeedRow;
      }),
    );
  }
  return datasource.program.assemble({
    customer,
    asOf,
    rows: (feed) => rows.get(feed) ?? [],
  }) as DocumentData;
}
