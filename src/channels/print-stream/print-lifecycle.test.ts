import { describe, expect, it } from 'vitest';
import { lifecycleStep } from './print-lifecycle.ts';

describe('print lifecycle steps', () => {
  it('moves forward from in_print_file; mailed and spoiled may skip printed', () => {
    expect(lifecycleStep('in_print_file', 'printed')).toEqual({ kind: 'move', from: ['in_print_file'] });
    expect(lifecycleStep('printed', 'mailed')).toMatchObject({ kind: 'move' });
    expect(lifecycleStep('in_print_file', 'mailed')).toMatchObject({ kind: 'move' });
    expect(lifecycleStep('printed', 'spoiled')).toMatchObject({ kind: 'move' });
  });

  it('the same status again, or one already passed, changes nothing', () => {
    expect(lifecycleStep('printed', 'printed')).toEqual({ kind: 'unchanged' });
    expect(lifecycleStep('mailed', 'printed')).toEqual({ kind: 'unchanged' });
    expect(lifecycleStep('spoiled', 'printed')).toEqual({ kind: 'unchanged' });
    expect(lifecycleStep('mailed', 'mailed')).toEqual({ kind: 'unchanged' });
  });

  it('refuses what contradicts the ledger', () => {
    expect(lifecycleStep('spoiled', 'mailed')).toEqual({
      kind: 'conflict',
      reason: 'the letter is already spoiled',
    });
    expect(lifecycleStep('mailed', 'spoiled')).toEqual({
      kind: 'conflict',
      reason: 'the letter is already mailed',
    });
    expect(lifecycleStep('archived', 'printed')).toMatchObject({
      kind: 'conflict',
      reason: expect.stringContaining('not in a print file'),
    });
  });
});
