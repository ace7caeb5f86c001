import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceItem } from '../source-row.ts';
import { openFastCsv } from './fast-csv.ts';
import { openPlainCsv } from './plain-csv.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-plain-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function items(open: Promise<{ batches(): AsyncGenerator<SourceItem[]> } | undefined>) {
  const csv = await open;
  if (!csv) return undefined;
  const out: unknown[] = [];
  for await (const batch of csv.batches()) {
    for (const item of batch) {
      out.push(
        item.kind === 'row'
          ? { line: item.line, row: item.row, cells: item.values.keys().map((k) => item.values.get(k)) }
          : { line: item.line, row: item.row, problem: item.problem.reason },
      );
    }
  }
  return out;
}

describe('plain CSV (no quotes): split instead of parse', () => {
  it('reads exactly what csv-parse reads: BOM, CRLF, blank lines, empty cells, wrong column counts, no final LF', async () => {
    const lines = ['\uFEFFid,name,amount'];
    for (let i = 1; i <= 5000; i++)
      lines.push(
        i % 977 === 0
          ? ''
          : i % 1511 === 0
            ? `${i},short`
            : `${i},Name ${i} 罗海燕,,${i / 100}`.replace(',,', ','),
      );
    const text = `${lines.join('\r\n')}\r\n9999,last,1.00`;
    const file = write('plain.csv', text);
    const plain = await items(openPlainCsv(file, ','));
    const parsed = await items(openFastCsv(file, ','));
    expect(plain).toBeDefined();
    expect(plain).toEqual(parsed);
    expect(plain).toHaveLength(4996);
  });

  it('a quote or a lone CR anywhere sends the file to csv-parse', async () => {
    expect(await openPlainCsv(write('quoted.csv', 'id,name\n1,"Ann"\n'), ',')).toBeUndefined();
    expect(await openPlainCsv(write('cr.csv', 'id,name\r1,Ann\r'), ',')).toBeUndefined();
    expect(await openPlainCsv(write('ok.csv', 'id;name\n1;Ann\n'), ';')).toBeDefined();
  });

  it('splits a chunk boundary inside a multi-byte character without damage', async () => {
    const row = `1,${'汉'.repeat(400_000)}\n`; // ~1.2 MB: crosses the 1 MB read size mid-character
    const file = write('wide.csv', `id,text\n${row}2,end\n`);
    const plain = (await items(openPlainCsv(file, ','))) as { cells: string[] }[];
    expect(plain[0]!.cells[1]).toBe('汉'.repeat(400_000));
    expect(plain[1]!.cells).toEqual(['2', 'end']);
  });
});
