import { describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL } from './exit-codes.ts';
import { type RunFailureTally, runExit } from './run-exit.ts';

const tally = (t: Partial<RunFailureTally>): RunFailureTally => ({
  runId: 'run_1',
  status: 'completed',
  total: 100,
  failed: 0,
  undelivered: 0,
  refusedAtInput: 0,
  byCode: [],
  ...t,
});

describe('the end of missive run', () => {
  it('says nothing and exits 0 when nothing failed', () => {
    expect(runExit(tally({}))).toEqual({ code: EXIT_OK, text: '' });
  });

  it('a run where every customer failed: 0 documents made, the reasons with counts, exit 1', () => {
    const { code, text } = runExit(
      tally({
        status: 'failed',
        total: 7043,
        failed: 7043,
        byCode: [
          { code: 'MSV_DATA_MISSING', count: 7043, example: 'customer 1 has no rows in feed account' },
        ],
      }),
      1, // even 100 % accepted: nothing was made
    );
    expect(code).toBe(EXIT_FAILURE);
    expect(text).toContain(
      '0 documents made: every customer failed (7,043); the run is failed, not completed',
    );
    expect(text).toContain('  7,043 × MSV_DATA_MISSING: customer 1 has no rows in feed account');
    expect(text).toContain('see them all: missive runs failures run_1');
    expect(text).toContain('missive runs retry-failed run_1');
  });

  it('some failures: exit 3 with the most common reasons first, or 0 within --max-failure-rate', () => {
    const t = tally({
      failed: 4,
      undelivered: 1,
      refusedAtInput: 1,
      total: 101,
      byCode: [
        { code: 'MSV_DATA_MISSING', count: 2, example: 'customer 4 has no rows in feed accounts' },
        { code: 'MSV_INPUT_BAD_ROW', count: 1, example: 'age: not a number' },
        { code: 'MSV_RENDER_TIMEOUT', count: 1, example: 'took over 30000 ms' },
      ],
    });
    const strict = runExit(t);
    expect(strict.code).toBe(EXIT_PARTIAL);
    expect(strict.text.split('\n')).toEqual([
      '5 customer(s) failed, 1 of them refused at input:',
      '  2 × MSV_DATA_MISSING: customer 4 has no rows in feed accounts',
      '  1 × MSV_INPUT_BAD_ROW: age: not a number',
      '  1 × MSV_RENDER_TIMEOUT: took over 30000 ms',
      '  1 × not delivered: the document was made, its email or SMS failed or bounced (missive runs report run_1)',
      'see them all: missive runs failures run_1',
      'exit 3: 5 of 101 customers failed (4.95%); accept a known level with --max-failure-rate',
      '',
    ]);
    const accepted = runExit(t, 0.05);
    expect(accepted.code).toBe(EXIT_OK);
    expect(accepted.text).toContain(
      'exit 0: 5 of 101 customers failed (4.95%), within --max-failure-rate 5%',
    );
    expect(accepted.text).toContain('see them all: missive runs failures run_1');
  });
});
