import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS, fuzzString } from '../../test/fixtures/fuzz-merge-data.ts';
import { smsEncoding, smsSegments, splitSms } from './sms-segments.ts';

const count = (text: string) => smsSegments(text).segments;

describe('smsSegments', () => {
  it('GSM-7: 160 septets in one message, 153 per part', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(count('a'.repeat(161))).toBe(2);
    expect(count('a'.repeat(306))).toBe(2);
    expect(count('a'.repeat(307))).toBe(3);
    expect(count('')).toBe(1);
  });

  it('GSM-7 extension characters cost two septets and are never split', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(count('€'.repeat(81))).toBe(2);
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    expect(splitSms(text).parts.map((p) => p.length)).toEqual([152, 11]);
    expect(smsEncoding('[x]{y}~\\^|\f')).toBe('GSM-7');
  });

  it('detects GSM-7 and UCS-2 by the basic set and extension table', () => {
    expect(smsEncoding('Café £5 @ 10:00\r\nÅngström ÆØÅ äöüß ¿¡ §')).toBe('GSM-7');
    expect(smsEncoding('façade')).toBe('UCS-2'); // only capital Ç is GSM-7
    expect(smsEncoding('您好')).toBe('UCS-2');
    expect(smsEncoding('`')).toBe('UCS-2');
  });

  it('UCS-2: 70 code units in one message, 67 per part (Chinese)', () => {
    expect(smsSegments('中'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(count('中'.repeat(71))).toBe(2);
    expect(count('中'.repeat(134))).toBe(2);
    expect(count('中'.repeat(135))).toBe(3);
  });

  it('never splits a surrogate pair across parts', () => {
    const text = `${'中'.repeat(66)}😀${'中'.repeat(10)}`;
    const { parts, units } = splitSms(text);
    expect(units).toBe(78);
    expect(parts.map((p) => p.length)).toEqual([66, 12]);
    expect(count('😀'.repeat(35))).toBe(1);
    expect(count('😀'.repeat(36))).toBe(2);
  });

  it('property: parts rebuild the text, fit their limit and agree with smsSegments', () => {
    fc.assert(
      fc.property(fuzzString, (text) => {
        const split = splitSms(text);
        const counted = smsSegments(text);
        expect(split.parts.join('')).toBe(text);
        expect(split.parts.length).toBe(counted.segments);
        const per = split.encoding === 'GSM-7' ? 153 : 67;
        split.parts.slice(1).forEach((next, i) => {
          const splitPair = /[\ud800-\udbff]$/.test(split.parts[i]!) && /^[\udc00-\udfff]/.test(next);
          expect(splitPair).toBe(false);
        });
        if (split.parts.length > 1) {
          for (const p of split.parts) {
            const units = split.encoding === 'UCS-2' ? p.length : smsSegments(p).units;
            expect(units).toBeLessThanOrEqual(per);
          }
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
