import { describe, expect, it } from 'vitest';
import { createDataMatrixMark, encodeMarkMatrix } from './datamatrix-mark.ts';

describe('the DataMatrix sheet mark', () => {
  it('has one size, 22×22, for every ordinary payload, and grows only when it must', () => {
    expect(encodeMarkMatrix('MSV1|3f9a0c1e|000042|2/3|C')).toMatchObject({ rows: 22, columns: 22 });
    expect(encodeMarkMatrix('MSV1|zzzzzzzz|999999|999/999|D')).toMatchObject({ rows: 22, columns: 22 });
    expect(encodeMarkMatrix('MSV1|ZZZZZZZZ|ZZZZZZ|ZZZZZZZZZZ/ZZZZZZZZZZ|E').rows).toBeGreaterThan(22);
  });

  it('is the same operators for the same payload: deterministic vector squares on white', () => {
    const mark = createDataMatrixMark();
    const input = {
      payload: { run: '3f9a0c1e', sequence: 1, sheet: 1, sheets: 1, flag: 'E' as const },
      sheetInStream: 1,
    };
    const page = { x: 0, y: 0, width: 595.28, height: 841.89 };
    const ops = mark.draw(input, page);
    expect(mark.draw(input, page)).toBe(ops);
    expect(ops).toMatch(/^q\n1 g\n11\.339 \d+(\.\d+)? 34\.016 34\.016 re\nf\n0 g\n/);
    expect(ops.endsWith('f\nQ\n')).toBe(true);
  });
});
