import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_PARTIAL, exitCodeFor, parseRate } from './exit-codes.ts';

describe('exit codes', () => {
  it('reads rates as shares or percentages', () => {
    expect(parseRate('--max-reject-rate', '0.5%')).toBe(0.005);
    expect(parseRate('--max-reject-rate', '0.02')).toBe(0.02);
    expect(parseRate('--max-reject-rate', undefined)).toBeUndefined();
    expect(() => parseRate('--max-reject-rate', '5 percent')).toThrow(/--max-reject-rate must be a share/);
    expect(() => parseRate('--max-reject-rate', '150%')).toThrow();
  });
  it('is 0 only when nothing went bad or the share is accepted', () => {
    expect(exitCodeFor(100, 0)).toBe(EXIT_OK);
    expect(exitCodeFor(100, 1)).toBe(EXIT_PARTIAL);
    expect(exitCodeFor(100, 1, 0.01)).toBe(EXIT_OK);
    expect(exitCodeFor(100, 2, 0.01)).toBe(EXIT_PARTIAL);
  });
});
