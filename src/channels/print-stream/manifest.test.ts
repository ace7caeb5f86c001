import { describe, expect, it } from 'vitest';
import { testEntry } from '../../../test/support/print-entries.ts';
import { csvCell } from '../../core/csv-cell.ts';
import { CSV_HEADER, csvRow, manifestDocument } from './manifest.ts';
import { emptyCursor, placeEnvelope } from './placement.ts';

describe('the CSV manifest', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Flat 3, "The Old Mill"')).toBe('"Flat 3, ""The Old Mill"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });

  it('has one row per document with four address columns', () => {
    const entry = testEntry('7', { lines: ['a', 'b', 'c', 'd', 'e'] });
    const [placement] = placeEnvelope([{ entry, pages: 3 }], emptyCursor(), true);
    const row = csvRow(manifestDocument('run_x-p001.pdf', placement!));
    expect(CSV_HEADER.split(',')).toHaveLength(21);
    expect(row).toBe(
      `run_x-p001.pdf,1,7,com_7,${'a'.repeat(64)},3,2,1,1,1,1,1,YO1 8BZ,York,GB,a,b,c,"d, e",0,\r\n`,
    );
  });
});
