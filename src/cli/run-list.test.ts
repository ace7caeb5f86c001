import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../store/runs.ts';
import { formatRunList, utcMinute } from './run-list.ts';

const run = (over: Partial<RunRecord>): RunRecord => ({
  id: 'run_a1',
  communicationType: 'monthly-statement',
  templateVersionId: 'monthly-statement@0123456789ab',
  asOf: '2026-10-31',
  status: 'completed',
  source: 'store:all',
  customersTotal: 7043,
  options: {},
  createdAt: '2026-11-01T01:00:09.000Z',
  startedAt: '2026-11-01T01:00:10.000Z',
  finishedAt: '2026-11-01T01:42:31.500Z',
  generation: 1,
  report: null,
  supersededBy: null,
  supersededAt: null,
  ...over,
});

describe('runs list', () => {
  it('has a header row, the template version and named times', () => {
    const text = formatRunList([
      run({}),
      run({
        id: 'run_b2',
        status: 'running',
        customersTotal: null,
        finishedAt: null,
        supersededBy: 'run_c3',
      }),
    ]);
    expect(text.split('\n')).toEqual([
      'RUN     TYPE               TEMPLATE VERSION                AS OF       STATUS                          CUSTOMERS  CREATED               FINISHED',
      'run_a1  monthly-statement  monthly-statement@0123456789ab  2026-10-31  completed                           7,043  2026-11-01 01:00 UTC  2026-11-01 01:42 UTC',
      'run_b2  monthly-statement  monthly-statement@0123456789ab  2026-10-31  running (superseded by run_c3)          —  2026-11-01 01:00 UTC  —',
      '',
    ]);
  });

  it('says UTC for stored times', () => {
    expect(utcMinute('2026-11-30T23:59:59.999Z')).toBe('2026-11-30 23:59 UTC');
    expect(utcMinute(null)).toBe('—');
  });
});
