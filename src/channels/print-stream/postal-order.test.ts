import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testEntry } from '../../../test/support/print-entries.ts';
import { householdKey } from './household.ts';
import { comparePostalOrder, sortForPrint } from './postal-order.ts';

describe('postal order', () => {
  it('sorts by country, postal code, then customer id', () => {
    const entries = [
      testEntry('3', { postalCode: 'YO1 8BZ' }),
      testEntry('1', { postalCode: 'SW1A 1AA' }),
      testEntry('2', { postalCode: 'YO1 8BZ' }),
      testEntry('9', { postalCode: '518048', country: 'CN' }),
    ];
    expect(sortForPrint(entries).map((e) => e.customerId)).toEqual(['9', '1', '2', '3']);
  });

  it('is a total order: any shuffle sorts to the same sequence', () => {
    const codes = ['100080', '518048', 'SW1A 1AA', 'YO1 8BZ', 'M1 1AE'];
    const entries = codes.flatMap((code, i) =>
      [0, 1, 2].map((k) => testEntry(`c${i}${k}`, { postalCode: code, country: i < 2 ? 'CN' : 'GB' })),
    );
    const expected = sortForPrint(entries).map((e) => e.customerId);
    fc.assert(
      fc.property(fc.shuffledSubarray(entries, { minLength: entries.length }), (shuffled) => {
        expect(sortForPrint(shuffled).map((e) => e.customerId)).toEqual(expected);
      }),
    );
    const sorted = sortForPrint(entries);
    for (let i = 1; i < sorted.length; i += 1)
      expect(comparePostalOrder(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
  });

  it('sorts British postcodes as Royal Mail does and ignores spaces elsewhere', () => {
    const gb = ['YO10 1AA', 'YO1 8BZ'].map((code, i) => testEntry(`g${i}`, { postalCode: code }));
    expect(sortForPrint(gb).map((e) => e.address.postalCode)).toEqual(['YO1 8BZ', 'YO10 1AA']);
    const nl = ['1234 AC', '1234AB', '1234 AB'].map((code, i) =>
      testEntry(`n${i}`, { postalCode: code, country: 'NL' }),
    );
    expect(sortForPrint(nl).map((e) => e.customerId)).toEqual(['n1', 'n2', 'n0']);
  });

  it('keeps a household together within its postal code when householding', () => {
    const a = { lines: ['1 High Street'], postalCode: 'YO1 8BZ', city: 'York', country: 'GB' };
    const b = { lines: ['2 High Street'], postalCode: 'YO1 8BZ', city: 'York', country: 'GB' };
    const entries = [
      testEntry('1', { address: a }),
      testEntry('2', { address: b }),
      testEntry('3', { address: a }),
    ];
    const sorted = sortForPrint(entries, (e) => householdKey(e.address)).map((e) => e.customerId);
    expect(sorted.indexOf('1') - sorted.indexOf('3')).toSatisfy((d: number) => Math.abs(d) === 1);
  });
});
