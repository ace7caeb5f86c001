import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../store/runs.ts';
import { stands } from './run-period.ts';

const run = (source: string, status = 'completed') => ({
  run: { id: 'r', source, status } as RunRecord,
  madeDocuments: true,
});

describe('one run per type and period', () => {
  it('a run over every customer stands in the way of another, a different file or segment does not', () => {
    expect(stands(run('store:all'), 'store:all')).toBe(true);
    expect(stands(run('segment:a'), 'store:all')).toBe(true);
    expect(stands(run('segment:a'), 'segment:b')).toBe(false);
    expect(stands(run('store:all', 'failed'), 'store:all')).toBe(true);
  });

  it("an on-demand communication never blocks the period's run, nor the other way round", () => {
    expect(stands(run('on-demand'), 'store:all')).toBe(false);
    expect(stands(run('store:all'), 'on-demand')).toBe(false);
  });
});
