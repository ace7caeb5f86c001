import { describe, expect, it } from 'vitest';
import { reconcile } from './reconcile.ts';

describe('reconcile', () => {
  const base = {
    customersIn: 10,
    primaryRows: 10,
    primaryCustomers: 10,
    rows: {
      email: { sent: 4, bounced: 1, unknown: 1 },
      print: { archived: 3, suppressed: 1, failed: 1 },
    },
    finished: true,
  };

  it('balances when every customer has exactly one own row', () => {
    const r = reconcile(base);
    expect(r.balanced).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.channels.map((c) => [c.channel, c.in])).toEqual([
      ['email', 6],
      ['print', 5],
    ]);
    expect(r.channels[0]!.counts).toMatchObject({ sent: 4, bounced: 1, unknown: 1, failed: 0 });
  });

  it('finds missing customers in a completed run, but not in a cancelled one', () => {
    const missing = { ...base, primaryRows: 8, primaryCustomers: 8 };
    expect(reconcile(missing)).toMatchObject({ balanced: false, customersNotProcessed: 2 });
    expect(reconcile({ ...missing, finished: false })).toMatchObject({
      balanced: true,
      customersNotProcessed: 2,
    });
  });

  it('finds duplicates and unexpected statuses', () => {
    expect(reconcile({ ...base, primaryRows: 11 }).problems).toEqual([
      '1 customers have more than one ledger row of their own',
    ]);
    const odd = reconcile({ ...base, rows: { email: { sent: 10, weird: 1 } } });
    expect(odd.balanced).toBe(false);
    expect(odd.problems[0]).toMatch(/unexpected statuses weird/);
  });
});
