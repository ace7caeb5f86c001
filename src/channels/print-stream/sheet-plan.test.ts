import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frontPageIndex, planSheets } from './sheet-plan.ts';

describe('planSheets', () => {
  it('puts two pages on a sheet in duplex and adds a blank back after an odd page count', () => {
    expect(planSheets(1, true)).toEqual({ sheets: 1, physicalPages: 2, blankPages: 1 });
    expect(planSheets(2, true)).toEqual({ sheets: 1, physicalPages: 2, blankPages: 0 });
    expect(planSheets(3, true)).toEqual({ sheets: 2, physicalPages: 4, blankPages: 1 });
  });

  it('puts one page on a sheet in simplex, never a blank', () => {
    expect(planSheets(3, false)).toEqual({ sheets: 3, physicalPages: 3, blankPages: 0 });
  });

  it('always starts the next document on a fresh sheet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.boolean(), (pages, duplex) => {
        const plan = planSheets(pages, duplex);
        expect(plan.physicalPages).toBe(plan.sheets * (duplex ? 2 : 1));
        expect(plan.physicalPages - plan.blankPages).toBe(pages);
        expect(plan.blankPages).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('refuses a document without pages', () => {
    expect(() => planSheets(0, true)).toThrow(RangeError);
  });

  it('finds the front of each sheet', () => {
    expect([1, 2, 3].map((s) => frontPageIndex(s, true))).toEqual([0, 2, 4]);
    expect([1, 2, 3].map((s) => frontPageIndex(s, false))).toEqual([0, 1, 2]);
  });
});
