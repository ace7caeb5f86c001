import { describe, expect, it } from 'vitest';
import { testEntry } from '../../../test/support/print-entries.ts';
import { omrTracks } from './omr-mark.ts';
import { emptyCursor, placeEnvelope } from './placement.ts';
import { usableAddress } from './usable-address.ts';

describe('placeEnvelope', () => {
  it('numbers documents, sheets and pages through the file and flags only the envelope end', () => {
    const cursor = emptyCursor();
    placeEnvelope([{ entry: testEntry('0'), pages: 2 }], cursor, true);
    const placed = placeEnvelope(
      [
        { entry: testEntry('1'), pages: 3 },
        { entry: testEntry('2'), pages: 1 },
      ],
      cursor,
      true,
    );
    expect(
      placed.map((p) => [p.sequence, p.firstSheet, p.firstPage, p.sheets, p.blankPages, p.envelope]),
    ).toEqual([
      [2, 2, 3, 2, 1, 2],
      [3, 4, 7, 1, 1, 2],
    ]);
    expect(placed.map((p) => p.flags)).toEqual([['C', 'D'], ['E']]);
    expect(cursor).toEqual({ documents: 3, sheets: 4, physicalPages: 8, envelopes: 2 });
    expect(placeEnvelope([], cursor, true)).toEqual([]);
    expect(cursor.envelopes).toBe(2);
  });
});

describe('omrTracks', () => {
  it('always has start and stop, an even number of marks, and the sheet number mod 8', () => {
    for (let sheet = 1; sheet <= 16; sheet += 1) {
      for (const end of [true, false]) {
        const t = omrTracks(end, sheet);
        expect(t).toHaveLength(7);
        expect([t[0], t[6], t[1]]).toEqual([true, true, end]);
        expect(t.filter(Boolean).length % 2).toBe(0);
        expect(Number(t[2]) + 2 * Number(t[3]) + 4 * Number(t[4])).toBe(sheet % 8);
      }
    }
  });
});

describe('usableAddress', () => {
  it('tidies a good address and names what a bad one lacks, never the address', () => {
    const ok = usableAddress({
      lines: [' 5  Manor Terrace ', ''],
      postalCode: 'yo1 8bz',
      city: 'York',
      country: 'gb',
    });
    expect(ok).toEqual({
      ok: true,
      address: { lines: ['5 Manor Terrace'], postalCode: 'YO1 8BZ', city: 'York', country: 'GB' },
    });
    expect(usableAddress(null)).toEqual({ ok: false, reason: 'no postal address' });
    const squeezed = usableAddress({
      lines: ['7 Mill Lane'],
      postalCode: 'ls14ap',
      city: 'Leeds',
      country: 'GB',
    });
    expect(squeezed.ok && squeezed.address.postalCode).toBe('LS1 4AP');
    const dutch = usableAddress({
      lines: ['Kerkstraat 1'],
      postalCode: '1234ab',
      city: 'Delft',
      country: 'NL',
    });
    expect(dutch.ok && dutch.address.postalCode).toBe('1234AB');
    const bad = usableAddress({
      lines: ['5 Manor Terrace'],
      postalCode: ' ',
      city: 'York',
      country: 'England',
    });
    expect(bad).toEqual({ ok: false, reason: 'postal address without postal code, ISO country code' });
  });
});
