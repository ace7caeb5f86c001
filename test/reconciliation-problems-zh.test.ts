import { describe, expect, it } from 'vitest';
import { reconciliationProblem } from '../src/api/ui/i18n/reconciliation-problems.ts';
import { reconcile } from '../src/batch/reconcile.ts';

describe('reconciliation problems in zh-CN', () => {
  it('says every problem reconcile() writes in Chinese, and leaves en-GB as written', () => {
    const open = { pending: 1, archived: 1 };
    const finished = reconcile({
      customersIn: 5,
      primaryRows: 4,
      primaryCustomers: 3,
      rows: { email: { ...open, sent: 1, weird: 1 }, print: { archived: 2 } },
      finished: true,
    });
    const over = reconcile({
      customersIn: 1,
      primaryRows: 2,
      primaryCustomers: 2,
      rows: {},
      finished: false,
    });
    const problems = [...finished.problems, ...over.problems];
    expect(problems.length).toBe(5);
    for (const p of problems) {
      const zh = reconciliationProblem('zh-CN', p);
      expect(zh, p).not.toMatch(/[A-Za-z]{3,}\s+[A-Za-z]{3,}/);
      expect(zh, p).toMatch(/[\u4e00-\u9fff]/);
      expect(reconciliationProblem('en-GB', p)).toBe(p);
    }
  });
});
