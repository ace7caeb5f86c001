import { describe, expect, it } from 'vitest';
import { mostRows } from './proofs.ts';

describe('mostRows', () => {
  it('counts the longest list of records, not address lines, and leaves offers out', () => {
    expect(mostRows({ customer: { address: { lines: ['a', 'b', 'c'] } } })).toBe(0);
    expect(mostRows({ transactions: [{ a: 1 }, { a: 2 }], usage: { rows: [{}, {}, {}] } })).toBe(3);
    expect(mostRows({ offers: [{}, {}, {}, {}], rows: [{}] })).toBe(1);
  });
});
