import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('gives a burst, then one token per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2, now: () => now });
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([0, 0]);
    expect(bucket.tryTake()).toBe(100);
    now += 100;
    expect(bucket.tryTake()).toBe(0);
  });
  it('halves its rate on a slow-down, down to the floor, and grows back after successes', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 4, minRatePerSecond: 30, now: () => now });
    bucket.slowDown();
    expect(bucket.currentRate).toBe(50);
    bucket.slowDown();
    expect(bucket.currentRate).toBe(30);
    expect(bucket.tryTake()).toBeGreaterThan(0); // emptied
    for (let i = 0; i < 4; i += 1) bucket.succeeded();
    expect(bucket.currentRate).toBe(37.5);
    for (let i = 0; i < 40; i += 1) bucket.succeeded();
    expect(bucket.currentRate).toBe(100);
    now += 1;
  });
});
