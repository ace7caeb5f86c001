import { describe, expect, it } from 'vitest';
import { MissiveError } from '../core/errors.ts';
import { detectDelimiter, detectFormat, normaliseDelimiter } from './source-format.ts';

describe('detectDelimiter', () => {
  it('picks the candidate that splits the header most', () => {
    expect(detectDelimiter('age,job,marital')).toBe(',');
    expect(detectDelimiter('id;name;balance')).toBe(';');
    expect(detectDelimiter('id\tname\tbalance')).toBe('\t');
    expect(detectDelimiter('id|name|balance')).toBe('|');
  });

  it('ignores delimiters inside quotes and defaults to a comma', () => {
    expect(detectDelimiter('"a,b,c";"d,e";f')).toBe(';');
    expect(detectDelimiter('id')).toBe(',');
    expect(detectDelimiter('a,b;c')).toBe(',');
  });
});

describe('detectFormat', () => {
  it('reads the extension, or takes the format given', () => {
    expect(detectFormat('x/customers.CSV')).toBe('csv');
    expect(detectFormat('customers.tsv')).toBe('csv');
    expect(detectFormat('customers.txt')).toBe('csv');
    expect(detectFormat('customers.ndjson')).toBe('ndjson');
    expect(detectFormat('customers.jsonl')).toBe('ndjson');
    expect(detectFormat('customers.dat', 'ndjson')).toBe('ndjson');
  });

  it('refuses an unknown extension or format with the file named', () => {
    for (const call of [() => detectFormat('customers.xlsx'), () => detectFormat('a.csv', 'xml')]) {
      expect(call).toThrow(MissiveError);
      try {
        call();
      } catch (err) {
        expect((err as MissiveError).code).toBe('MSV_INPUT_BAD_FILE');
        expect((err as MissiveError).details.file).toMatch(/customers\.xlsx|a\.csv/);
      }
    }
  });

  it('accepts tab spelled out as a delimiter', () => {
    expect(normaliseDelimiter('tab', 'f')).toBe('\t');
    expect(() => normaliseDelimiter(':', 'f')).toThrow(/unsupported delimiter/);
  });
});
