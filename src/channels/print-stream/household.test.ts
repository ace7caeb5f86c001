import { describe, expect, it } from 'vitest';
import { testEntry } from '../../../test/support/print-entries.ts';
import { groupEnvelopes, splitStreams } from './envelopes.ts';
import { entryHouseholdKey, householdKey } from './household.ts';

const home = { lines: ['Flat 3, 12 Manor Terrace'], postalCode: 'YO1 8BZ', city: 'York', country: 'GB' };

describe('householding', () => {
  it('sees one address however it is written', () => {
    const same = {
      lines: ['  flat 3 12 MANOR terrace. '],
      postalCode: 'YO18BZ',
      city: 'YORK',
      country: 'GB',
    };
    expect(householdKey(same)).toBe(householdKey(home));
    expect(householdKey({ ...home, lines: ['Flat 4, 12 Manor Terrace'] })).not.toBe(householdKey(home));
    expect(householdKey(home)).not.toContain('Manor');
  });

  it('puts consecutive documents of a household in one envelope, others alone', () => {
    const entries = [
      testEntry('1', { address: home }),
      testEntry('2', { address: { ...home, city: 'york' } }),
      testEntry('3', { postalCode: 'YO1 9ZZ' }),
    ];
    const envelopes = groupEnvelopes(entries, {
      duplex: true,
      householdKey: entryHouseholdKey,
      maxSheets: 10,
    });
    expect(envelopes.map((e) => e.entries.map((x) => x.customerId))).toEqual([['1', '2'], ['3']]);
  });

  it('opens another envelope when the next document would overfill it; a big document still goes whole', () => {
    const entries = ['1', '2', '3'].map((id) => testEntry(id, { address: home, pages: 7 })); // 4 sheets each
    const envelopes = groupEnvelopes(entries, {
      duplex: true,
      householdKey: entryHouseholdKey,
      maxSheets: 8,
    });
    expect(envelopes.map((e) => e.entries.length)).toEqual([2, 1]);
    const big = groupEnvelopes([testEntry('9', { pages: 40 })], {
      duplex: true,
      householdKey: entryHouseholdKey,
      maxSheets: 8,
    });
    expect(big).toHaveLength(1);
  });

  it('gives every document its own envelope without householding', () => {
    const entries = [testEntry('1', { address: home }), testEntry('2', { address: home })];
    expect(groupEnvelopes(entries, { duplex: true, maxSheets: 10 })).toHaveLength(2);
  });
});

describe('splitStreams', () => {
  it('fills files up to the size and never splits an envelope', () => {
    const env = (n: number) => ({ entries: Array.from({ length: n }, (_, i) => testEntry(`${n}-${i}`)) });
    const streams = splitStreams([env(2), env(2), env(1), env(3), env(1)], 4);
    expect(streams.map((s) => s.map((e) => e.entries.length))).toEqual([[2, 2], [1, 3], [1]]);
    expect(splitStreams([env(5)], 4)).toHaveLength(1);
    expect(splitStreams([], 4)).toEqual([]);
  });
});
