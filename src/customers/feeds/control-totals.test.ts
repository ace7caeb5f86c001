import { describe, expect, it } from 'vitest';
import { parseControlTotals, scaledText, toScaled } from './control-totals.ts';

describe('control totals', () => {
  it('reads a control file and compares amounts exactly', () => {
    expect(
      parseControlTotals('# bank extract\nrows=3\namount=-52311.07\nasOf=2026-11-30\n', 'f.ctl'),
    ).toEqual({
      file: 'f.ctl',
      rows: 3,
      amount: '-52311.07',
      asOf: '2026-11-30',
    });
    expect(toScaled(0.1) + toScaled(0.2)).toBe(toScaled('0.3'));
    expect(scaledText(toScaled('-52311.07'))).toBe('-52311.07');
    expect(scaledText(toScaled(1e21))).toBe('1000000000000000000000');
  });
  it('names the line of a bad control file', () => {
    expect(() => parseControlTotals('rows=3\nrows: many\n', 'f.ctl')).toThrow(
      /f\.ctl line 2: rows must be a whole number/,
    );
    expect(() => parseControlTotals('total_rows=3', 'f.ctl')).toThrow(/unknown key "total_rows"/);
  });
});

describe('ExactSum', () => {
  it('equals the bigint sum of every value', async () => {
    const { ExactSum } = await import('./control-totals.ts');
    const values = [0.1, 0.2, -13.28, 1e13 + 0.01, 0.123456789, 250_000.5];
    const sum = new ExactSum();
    for (let i = 0; i < 250_001; i++) sum.add(values[i % values.length]!);
    let expected = 0n;
    for (let i = 0; i < 250_001; i++) expected += toScaled(values[i % values.length]!);
    expect(sum.scaled).toBe(expected);
  });
});
