import { describe, expect, it } from 'vitest';
import { isMissiveError } from '../core/errors.ts';
import {
  decideExit,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_PARTIAL,
  EXIT_USAGE,
  exitCodeFor,
  importExit,
  parseRate,
  percent,
} from './exit-codes.ts';

describe('exit codes', () => {
  it('are the documented numbers', () => {
    expect([EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL]).toEqual([0, 1, 2, 3]);
  });

  it('reads rates as shares or percentages', () => {
    expect(parseRate('--max-reject-rate', '0.5%')).toBe(0.005);
    expect(parseRate('--max-reject-rate', '5%')).toBe(0.05);
    expect(parseRate('--max-reject-rate', '0.05')).toBe(0.05);
    expect(parseRate('--max-reject-rate', '.05')).toBe(0.05);
    expect(parseRate('--max-reject-rate', ' 5 % ')).toBe(0.05);
    expect(parseRate('--max-reject-rate', '0')).toBe(0);
    expect(parseRate('--max-reject-rate', '100%')).toBe(1);
    expect(parseRate('--max-reject-rate', '1')).toBe(1);
    expect(parseRate('--max-reject-rate', undefined)).toBeUndefined();
  });

  it('refuses a bad rate as a usage error naming the option', () => {
    for (const bad of ['5 percent', '150%', '2', '-1%', '', '%', '1e-3', '0,5%', 'NaN']) {
      let err: unknown;
      try {
        parseRate('--max-failure-rate', bad);
      } catch (e) {
        err = e;
      }
      expect(isMissiveError(err), bad).toBe(true);
      if (!isMissiveError(err)) continue;
      // src/cli/index.ts turns MSV_CONFIG_INVALID on a `--` field into exit 2.
      expect(err.code).toBe('MSV_CONFIG_INVALID');
      expect(err.details.field).toBe('--max-failure-rate');
      expect(err.message).toMatch(/--max-failure-rate must be a share/);
    }
  });

  it('is 0 only when nothing went bad or the share is accepted', () => {
    expect(exitCodeFor(100, 0)).toBe(EXIT_OK);
    expect(exitCodeFor(0, 0)).toBe(EXIT_OK);
    expect(exitCodeFor(100, 1)).toBe(EXIT_PARTIAL);
    expect(exitCodeFor(100, 1, 0.01)).toBe(EXIT_OK); // at the rate: accepted
    expect(exitCodeFor(100, 2, 0.01)).toBe(EXIT_PARTIAL);
    expect(exitCodeFor(100, 1, 0)).toBe(EXIT_PARTIAL);
    expect(exitCodeFor(100, 100, 1)).toBe(EXIT_OK);
    expect(exitCodeFor(0, 3, 0.5)).toBe(EXIT_PARTIAL); // bad with nothing to measure against
    expect(exitCodeFor(200_000, 1_000, parseRate('r', '0.5%'))).toBe(EXIT_OK); // at the rate exactly
    for (let k = 1; k < 100; k += 1) {
      // k of 1,000 is within k/10 %, whatever the floating point does to either side
      expect(exitCodeFor(1000, k, parseRate('r', `${k / 10}%`)), `${k}`).toBe(EXIT_OK);
      expect(exitCodeFor(1000, k + 1, parseRate('r', `${k / 10}%`)), `${k}`).toBe(EXIT_PARTIAL);
    }
  });

  it('explains the decision in one line', () => {
    const ask = { option: '--max-reject-rate', what: 'rows refused' };
    expect(decideExit({ ...ask, total: 1000, bad: 0 })).toEqual({ code: 0, note: '', reason: '' });
    expect(decideExit({ ...ask, total: 1000, bad: 3, maxRate: 0.005 }).note).toBe(
      'exit 0: 3 of 1,000 rows refused (0.3%), within --max-reject-rate 0.5%',
    );
    expect(decideExit({ ...ask, total: 1000, bad: 30, maxRate: 0.005 }).note).toBe(
      'exit 3: 30 of 1,000 rows refused (3%), above --max-reject-rate 0.5%',
    );
    const plain = decideExit({ ...ask, total: 7043, bad: 7043 });
    expect(plain.code).toBe(EXIT_PARTIAL);
    expect(plain.note).toBe(
      'exit 3: 7,043 of 7,043 rows refused (100%); accept a known level with --max-reject-rate',
    );
  });

  it('formats shares with three significant digits', () => {
    expect(percent(0.003)).toBe('0.3%');
    expect(percent(1 / 3)).toBe('33.3%');
    expect(percent(0.00001)).toBe('0.001%');
    expect(percent(1)).toBe('100%');
  });

  it('an import that could not read its file to the end is 3 whatever the rate', () => {
    expect(importExit({ rows: 10, rejected: 0, complete: true }).code).toBe(EXIT_OK);
    expect(importExit({ rows: 10, rejected: 1, complete: true }, 0.5).code).toBe(EXIT_OK);
    const broken = importExit({ rows: 10, rejected: 1, complete: false }, 0.5);
    expect(broken.code).toBe(EXIT_PARTIAL);
    expect(broken.note).toMatch(/could not be read to its end/);
  });
});
