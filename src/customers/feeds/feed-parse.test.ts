import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataSource } from './datasource.ts';
import { type ParsedBatch, parseFeedFile, parseFeedInThread } from './feed-parse.ts';

const ds = parseDataSource(
  't',
  {
    feeds: {
      tx: {
        parent: 'customer',
        parentKey: 'customerId',
        key: 'id',
        fields: {
          id: { from: 'id', required: true },
          customerId: { from: 'customer', required: true },
          amount: { from: 'amount', type: 'number' },
        },
        control: { amount: 'amount' },
      },
    },
    document: {},
  },
  'f.yaml',
);
const feed = ds.spec.feeds.tx!;

function write(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'missive-parse-')), 'tx.csv');
  fs.writeFileSync(file, text);
  return file;
}

async function collect(file: string, thread = false) {
  const batches: ParsedBatch[] = [];
  const consume = async (b: ParsedBatch) => {
    if (b.restart) batches.length = 0;
    else batches.push(b);
  };
  const done = thread
    ? await parseFeedInThread({ file, feed, keyed: true }, consume)
    : await parseFeedFile({ file, feed, keyed: true }, consume);
  return {
    lines: batches.flatMap((b) => b.rows.map((r) => r.line)),
    rejects: batches.flatMap((b) => b.rejects),
    amountScaled: done.amountScaled,
  };
}

describe('parsing a feed extract', () => {
  it('takes the fast path on a clean file, with exact lines across blank lines and quoted line breaks', async () => {
    const file = write('id,customer,amount\n1,C1,1.10\n\n2,C1,"2.20"\n3,"C\n2",0.7\n4,C3,x\n1,C4,5\n');
    const out = await collect(file, true);
    expect(out.lines).toEqual([2, 4, 5]);
    expect(out.rejects.map((r) => [r.line, r.problems[0]!.code])).toEqual([
      [7, 'MSV_INPUT_BAD_VALUE'],
      [8, 'MSV_FEED_DUPLICATE_KEY'],
    ]);
    expect(out.amountScaled).toBe(String(400_000_000n));
  });

  it('falls back to the recovering reader on an unbalanced quote and keeps the good rows after it', async () => {
    const file = write('id,customer,amount\n1,C1,1\n2,C1,"2\n3,C1,3\n4,C1,4\n');
    const out = await collect(file);
    expect(out.lines).toContain(4);
    expect(out.lines).toContain(5);
    expect(out.rejects.length).toBeGreaterThan(0);
  });
});
