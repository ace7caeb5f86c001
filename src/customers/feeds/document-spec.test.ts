import { describe, expect, it } from 'vitest';
import { parseDataSource } from './datasource.ts';
import { decimalSum, runningSums } from './decimal.ts';
import { addMonths, monthsEnding } from './period.ts';

const FEEDS = {
  accounts: {
    key: 'accountId',
    parent: 'customer',
    parentKey: 'customerId',
    required: true,
    fields: {
      accountId: { from: 'account_id', required: true },
      customerId: { from: 'customer_id', required: true },
      balance: { from: 'balance', type: 'number' },
    },
  },
  tx: {
    parent: 'accounts',
    parentKey: 'accountId',
    fields: {
      accountId: 'account_id',
      date: { from: 'date', type: 'date' },
      amount: { from: 'amount', type: 'number' },
      kind: 'kind',
    },
  },
};

const source = (spec: Record<string, unknown>) =>
  parseDataSource('t', { feeds: FEEDS, ...spec }, 'datasource.yaml', 'x');
const rows: Record<string, Record<string, unknown>[]> = {
  accounts: [{ accountId: 'A', customerId: '1', balance: 10.1 }],
  tx: [
    { date: '2026-11-20', amount: 0.2, kind: 'card' },
    { date: '2026-11-02', amount: 0.1, kind: 'card' },
    { date: '2026-10-15', amount: -5.55, kind: 'fee' },
  ],
};
const assemble = (spec: Record<string, unknown>) =>
  source(spec).program.assemble({
    customer: { id: '1', name: 'Ann' },
    asOf: '2026-11-30',
    rows: (f) => rows[f] ?? [],
  });

describe('the data source assembly language', () => {
  it('sums money exactly, keeps running balances and sorts stably', () => {
    const doc = assemble({
      let: {
        account: { one: 'accounts' },
        tx: { rows: 'tx', sort: 'date', running: { as: 'balance', start: 'account.balance', add: 'amount' } },
      },
      document: {
        total: { sum: 'tx.amount', only: 'positive' },
        closing: { sum: ['account.balance', 'tx.amount'] },
        balances: { each: 'tx', fields: { d: 'date', b: 'balance' } },
        count: { count: 'tx' },
        last: { last: 'tx.date' },
      },
    });
    expect(doc.total).toBe(0.3);
    expect(doc.closing).toBe(4.85);
    expect(doc.balances).toEqual([
      { d: '2026-10-15', b: 4.55 },
      { d: '2026-11-02', b: 4.65 },
      { d: '2026-11-20', b: 4.85 },
    ]);
    expect(doc.count).toBe(3);
    expect(doc.last).toBe('2026-11-20');
  });

  it('groups by month over a window ending at the as-of month, with filters, dates and templates', () => {
    const doc = assemble({
      document: {
        chart: { monthly: { rows: 'tx' }, date: 'date', value: 'amount', months: 3, abs: true },
        fees: { each: { rows: 'tx', where: { '==': [{ var: 'kind' }, 'fee'] } }, fields: { a: 'amount' } },
        due: { addDays: 'asOf', days: 14 },
        from: { monthStart: 'asOf' },
        link: { template: 'https://pay.example/{{customer.id}}' },
        label: { concat: ['customer.name', { value: 'x' }], separator: '-' },
        none: { one: 'accounts', where: { '==': [1, 2] }, default: { value: 'fallback' } },
      },
    });
    expect(doc.chart).toEqual([
      { month: '2026-09-01', amount: 0 },
      { month: '2026-10-01', amount: 5.55 },
      { month: '2026-11-01', amount: 0.3 },
    ]);
    expect(doc.fees).toEqual([{ a: -5.55 }]);
    expect(doc.due).toBe('2026-12-14');
    expect(doc.from).toBe('2026-11-01');
    expect(doc.link).toBe('https://pay.example/1');
    expect(doc.label).toBe('Ann-x');
    expect(doc.none).toBe('fallback');
  });

  it('names the path and what exists when a reference is wrong, when the definition loads', () => {
    expect(() => source({ document: { a: 'acount.balance' } })).toThrow(
      /document\.a: "acount" is not defined here \(defined: customer, asOf\)/,
    );
    expect(() =>
      source({ let: { account: { one: 'accounts' } }, document: { a: 'account.balanse' } }),
    ).toThrow(/no field "balanse" \(it has accountId, customerId, balance\)/);
    expect(() => source({ document: { a: { rows: 'nope' } } })).toThrow(
      /no feed "nope" \(feeds: accounts, tx\)/,
    );
    expect(() => source({ document: { a: { sum: 'customer.id', bogus: 1 } } })).toThrow(
      /"sum" takes default, only, abs/,
    );
    expect(() => source({ document: { a: { template: '{{customer.nam}}' } } })).toThrow(/no field "nam"/);
    expect(() =>
      parseDataSource(
        't',
        {
          feeds: { a: { ...FEEDS.tx, parent: 'b' }, b: { ...FEEDS.tx, parent: 'a', key: 'kind' } },
          document: {},
        },
        'f.yaml',
      ),
    ).toThrow(/cycle/);
  });
});

describe('exact decimals and calendar months', () => {
  it('adds without drift', () => {
    expect(decimalSum([0.1, 0.2])).toBe(0.3);
    expect(decimalSum([1234.56, -0.07, 'x', null])).toBe(1234.49);
    expect(runningSums(0.1, [0.2, 0.3])).toEqual([0.3, 0.6]);
  });
  it('counts months', () => {
    expect(monthsEnding('2026-02-15', 3)).toEqual(['2025-12-01', '2026-01-01', '2026-02-01']);
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
  });
});
