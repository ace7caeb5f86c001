import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMarkPayload, parseMarkPayload, sheetFlag, shortRunId } from './mark-payload.ts';

describe('the sheet mark payload', () => {
  it('is compact and fixed-width where the inserter needs it', () => {
    const text = formatMarkPayload({ run: '3f9a0c1e', sequence: 42, sheet: 2, sheets: 3, flag: 'C' });
    expect(text).toBe('MSV1|3f9a0c1e|000042|2/3|C');
  });

  it('takes the run id after its prefix', () => {
    expect(shortRunId('run_3f9a0c1e55aa')).toBe('3f9a0c1e');
    expect(shortRunId('abc')).toBe('abc00000');
  });

  it('parses back what it formats', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{8}$/),
        fc.integer({ min: 1, max: 999_999 }),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom('E' as const, 'D' as const, 'C' as const),
        (run, sequence, sheets, flag) => {
          const payload = { run, sequence, sheet: sheets, sheets, flag };
          expect(parseMarkPayload(formatMarkPayload(payload))).toEqual(payload);
        },
      ),
    );
    expect(parseMarkPayload('MSV2|x')).toBeUndefined();
  });

  it('refuses a sequence that does not fit six digits', () => {
    expect(() =>
      formatMarkPayload({ run: '00000000', sequence: 1_000_000, sheet: 1, sheets: 1, flag: 'E' }),
    ).toThrow(RangeError);
  });

  it('flags the last sheet: end of envelope, or end of a document whose envelope goes on', () => {
    expect([1, 2, 3].map((s) => sheetFlag(s, 3, true))).toEqual(['C', 'C', 'E']);
    expect([1, 2].map((s) => sheetFlag(s, 2, false))).toEqual(['C', 'D']);
  });
});
