import { describe, expect, it } from 'vitest';
import { RepeatCounter } from './log-throttle.ts';

describe('RepeatCounter', () => {
  it('logs the first occurrence in a window and counts the rest', () => {
    const c = new RepeatCounter(10_000);
    expect(c.record('ECONNREFUSED', 0)).toBe('log');
    for (let t = 1; t <= 312; t += 1) expect(c.record('ECONNREFUSED', t * 30)).toBe('count');
    expect(c.flush(9_999)).toEqual([]); // the window is still open
    expect(c.flush(10_000)).toEqual([{ key: 'ECONNREFUSED', repeats: 312 }]);
    expect(c.record('ECONNREFUSED', 10_001)).toBe('log'); // a new window
  });

  it('keeps one window per key and forgets quiet ones', () => {
    const c = new RepeatCounter(1_000);
    expect(c.record('a', 0)).toBe('log');
    expect(c.record('b', 10)).toBe('log');
    expect(c.record('b', 20)).toBe('count');
    expect(c.flush(1_500)).toEqual([
      { key: 'a', repeats: 0 },
      { key: 'b', repeats: 1 },
    ]);
    expect(c.open).toBe(0);
  });
});
