import { describe, expect, it } from 'vitest';
import { decodeConfirmLine, headerProblems } from './confirm-line.ts';

const HEADER = ['stream', 'communication_id', 'sequence', 'status', 'timestamp'];

describe('a line of the print house file', () => {
  it('names the piece by communication id, else sequence, else envelope; time in UTC', () => {
    expect(
      decodeConfirmLine(HEADER, ['r-p001.pdf', 'com_1', '3', 'Printed', '2026-11-02T09:00:00+01:00'], 2),
    ).toEqual({
      line: 2,
      stream: 'r-p001.pdf',
      key: { communicationId: 'com_1' },
      status: 'printed',
      at: '2026-11-02T08:00:00.000Z',
    });
    expect(decodeConfirmLine(HEADER, ['r-p001', '', '3', 'mailed', '2026-11-02 09:00Z'], 3)).toMatchObject({
      key: { sequence: 3 },
    });
    expect(
      decodeConfirmLine(
        ['stream', 'envelope', 'status', 'timestamp'],
        ['r', '7', 'spoiled', '2026-11-02T09:00Z'],
        4,
      ),
    ).toMatchObject({
      key: { envelope: 7 },
    });
  });

  it('a bad line: its line, the field at fault and why', () => {
    const at = (cells: string[]) => decodeConfirmLine(HEADER, cells, 9);
    expect(at(['', 'com_1', '', 'printed', '2026-11-02T09:00:00Z'])).toMatchObject({
      line: 9,
      field: 'stream',
    });
    expect(at(['r', 'com_1', '', 'lost', '2026-11-02T09:00:00Z'])).toMatchObject({ field: 'status' });
    expect(at(['r', 'com_1', '', 'printed', '2026-11-02'])).toMatchObject({ field: 'timestamp' });
    expect(at(['r', 'com_1', '', 'printed', '2026-13-45T09:00:00Z'])).toMatchObject({ field: 'timestamp' });
    expect(at(['r', '', '0', 'printed', '2026-11-02T09:00:00Z'])).toMatchObject({ field: 'sequence' });
    expect(at(['r', '', '', 'printed', '2026-11-02T09:00:00Z'])).toMatchObject({ field: 'communication_id' });
  });

  it('a header without the needed columns says which', () => {
    expect(headerProblems(HEADER)).toEqual([]);
    expect(headerProblems(['stream', 'status'])).toEqual([
      'no "timestamp" column',
      'none of the columns communication_id, sequence, envelope names the piece',
    ]);
  });
});
