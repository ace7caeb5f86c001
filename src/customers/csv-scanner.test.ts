import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScanner, type ScanItem, splitRecord } from './csv-scanner.ts';

type Shown = [number, number, string[] | string];

/** Scans `text` in chunks of `chunk` bytes; records as [line, endLine, cells], broken ones as [line, endLine, problem]. */
function scan(text: string | Buffer, options: { chunk?: number; cap?: number; columns?: number } = {}) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = new CsvScanner(0x2c, options.cap ?? 1024);
  scanner.expectedColumns = options.columns;
  const items: ScanItem[] = [];
  const size = options.chunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += size) items.push(...scanner.push(bytes.subarray(i, i + size)));
  items.push(...scanner.end());
  const shown: Shown[] = items.map((item) =>
    item.kind === 'record'
      ? [item.line, item.endLine, item.cells.map((c) => c.toString('utf8'))]
      : [item.line, item.endLine, `${item.problem}${item.resumedAt ? ` → ${item.resumedAt}` : ''}`],
  );
  return { items: shown, complete: scanner.complete };
}

describe('CsvScanner: records and lines', () => {
  it('reads quoted fields, escaped quotes and empty fields', () => {
    expect(scan('a,b,c\n1,"x, ""y""",\n').items).toEqual([
      [1, 1, ['a', 'b', 'c']],
      [2, 2, ['1', 'x, "y"', '']],
    ]);
  });

  it('counts lines through quoted line breaks, blank lines, CRLF and lone CR', () => {
    const text = 'h1,h2\r\n\r\n1,"a\r\nb\nc"\n\n\r2,x\r3,"y"\r\n4,z';
    for (const chunk of [1, 2, 3, 7, 100]) {
      expect(scan(text, { chunk }).items).toEqual([
        [1, 1, ['h1', 'h2']],
        [3, 5, ['1', 'a\r\nb\nc']],
        [8, 8, ['2', 'x']],
        [9, 9, ['3', 'y']],
        [10, 10, ['4', 'z']],
      ]);
    }
  });

  it('keeps a quote inside an unquoted field, and the raw text of a field closed mid-value', () => {
    expect(scan('5 "inch",x\n"ab"cd,y\n').items).toEqual([
      [1, 1, ['5 "inch"', 'x']],
      [2, 2, ['"ab"cd', 'y']],
    ]);
  });

  it('accepts a legitimate multi-line field with the right column count', () => {
    expect(scan('id,note\n1,"line one\nline two"\n2,b\n', { columns: 2 }).items).toEqual([
      [1, 1, ['id', 'note']],
      [2, 3, ['1', 'line one\nline two']],
      [4, 4, ['2', 'b']],
    ]);
  });

  it('gives the same records however the input is cut into chunks (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', '王', ',', '"', '\n', '\r\n', ' ') });
    const record = fc.array(field, { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, size) => {
          const quote = (f: string) => `"${f.replace(/"/g, '""')}"`;
          const text = `${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;
          const got = scan(text, { chunk: size, columns: 3 }).items.map((i) => i[2]);
          expect(got).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CsvScanner: recovery', () => {
  it('an unbalanced quote swallowing the end of the file: rejects its line, reads the rest', () => {
    const { items, complete } = scan('id,name\n1,Ann\n2,"Bob\n3,Cy\n4,Di\n', { columns: 2 });
    expect(items).toEqual([
      [1, 1, ['id', 'name']],
      [2, 2, ['1', 'Ann']],
      [3, 3, 'unbalanced-quote → 4'],
      [4, 4, ['3', 'Cy']],
      [5, 5, ['4', 'Di']],
    ]);
    expect(complete).toBe(true);
  });

  it('an unbalanced quote closed by a later quoted field: the lines in between are not lost', () => {
    const text = 'id,name,note\n6,"Bob,x\n7,Cy,z\n8,"Di",w\n9,Ed,v\n';
    for (const chunk of [1, 5, 1000]) {
      expect(scan(text, { columns: 3, chunk }).items).toEqual([
        [1, 1, ['id', 'name', 'note']],
        [2, 2, 'unbalanced-quote → 3'],
        [3, 3, ['7', 'Cy', 'z']],
        [4, 4, ['8', 'Di', 'w']],
        [5, 5, ['9', 'Ed', 'v']],
      ]);
    }
  });

  it('without a clean line to resume at, a multi-line record is kept as it is (the reader counts its columns)', () => {
    expect(scan('a,b\n1,"x\ny, z, w",2\n', { columns: 2 }).items).toEqual([
      [1, 1, ['a', 'b']],
      [2, 3, ['1', 'x\ny, z, w', '2']],
    ]);
  });

  it('an unclosed quote with no line to resume at ends the scan incomplete', () => {
    const { items, complete } = scan('a,b\n1,x\n2,"y\nz\n', { columns: 2 });
    expect(items).toEqual([
      [1, 1, ['a', 'b']],
      [2, 2, ['1', 'x']],
      [3, 4, 'unclosed-quote'],
    ]);
    expect(complete).toBe(false);
  });

  it('skips a record longer than the cap to its real end, holding none of it', () => {
    const big = `${'lorem ipsum, '.repeat(300)}\n`.repeat(3);
    const text = `id,note\n1,a\n2,"${big}"\n3,c\n`;
    for (const chunk of [64, 4096]) {
      expect(scan(text, { columns: 2, cap: 1000, chunk }).items).toEqual([
        [1, 1, ['id', 'note']],
        [2, 2, ['1', 'a']],
        [3, 6, 'too-long'],
        [7, 7, ['3', 'c']],
      ]);
    }
    const unquoted = `id,note\n1,${'x'.repeat(5000)}\n2,b`;
    expect(scan(unquoted, { columns: 2, cap: 1000, chunk: 100 }).items).toEqual([
      [1, 1, ['id', 'note']],
      [2, 2, 'too-long'],
      [3, 3, ['2', 'b']],
    ]);
  });

  it('an unbalanced quote followed by more than the cap of good rows resumes at the next line', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i + 10},row ${i + 10}`).join('\n');
    const text = `id,name\n1,"Ann\n${rows}\n`;
    const { items } = scan(text, { columns: 2, cap: 500, chunk: 128 });
    expect(items.slice(0, 3)).toEqual([
      [1, 1, ['id', 'name']],
      [2, 2, 'unbalanced-quote → 3'],
      [3, 3, ['10', 'row 10']],
    ]);
    expect(items).toHaveLength(202);
    expect(items.at(-1)).toEqual([202, 202, ['209', 'row 209']]);
  });

  it('a huge field and an unbalanced quote in one file: both reported, every other row read', () => {
    const huge = 'z'.repeat(20_000);
    const lines = [
      'id,name,n',
      '1,a,1',
      '2,b,2',
      `3,"${huge}",3`,
      '4,d,4',
      '5,e,5',
      '6,"f,6',
      '7,g,7',
      '8,h,8',
    ];
    const { items, complete } = scan(`${lines.join('\n')}\n`, { columns: 3, cap: 4096, chunk: 1000 });
    expect(items.map((i) => [i[0], typeof i[2] === 'string' ? i[2] : i[2][0]])).toEqual([
      [1, 'id'],
      [2, '1'],
      [3, '2'],
      [4, 'too-long'],
      [5, '4'],
      [6, '5'],
      [7, 'unbalanced-quote → 8'],
      [8, '7'],
      [9, '8'],
    ]);
    expect(complete).toBe(true);
  });

  it('does not look for a line to resume at before the header is known', () => {
    expect(scan('"a,b\nc,d\n').items).toEqual([[1, 2, 'unclosed-quote']]);
  });
});

describe('splitRecord', () => {
  it('says whether a line is clean enough to resume at', () => {
    const split = (s: string) => splitRecord(Buffer.from(s), 0x2c);
    expect(split('1,"a, b",c')).toEqual({
      cells: [Buffer.from('1'), Buffer.from('a, b'), Buffer.from('c')],
      clean: true,
    });
    expect(split('1,a "b",c').clean).toBe(false);
    expect(split('1,"a').clean).toBe(false);
    expect(split('1,"a"b,c').clean).toBe(false);
    expect(split('a,').cells).toHaveLength(2);
  });
});
