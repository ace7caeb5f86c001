import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissiveError } from '../../src/core/errors.ts';
import type { Customer } from '../../src/core/types.ts';
import {
  type CustomerSink,
  type ImportProgress,
  type ImportReject,
  importCustomers,
  type MappingInput,
} from '../../src/customers/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => path.join(here, '..', 'fixtures', name);
const BANK_CSV = path.join(here, '..', '..', '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv');
const BANK_MAPPING = path.join(here, '..', '..', 'examples', 'bank-marketing', 'mapping.json');

/** Keeps what it is given; reports every customer as new. */
function memorySink(): { sink: CustomerSink; customers: Customer[]; batches: number[] } {
  const customers: Customer[] = [];
  const batches: number[] = [];
  return {
    customers,
    batches,
    sink: async (batch) => {
      customers.push(...batch);
      batches.push(batch.length);
      return { inserted: batch.length, updated: 0, unchanged: 0 };
    },
  };
}

/** Counts without keeping anything. */
function countingSink(): { sink: CustomerSink; count: () => number } {
  let n = 0;
  return {
    count: () => n,
    sink: async (batch) => {
      n += batch.length;
      return { inserted: batch.length, updated: 0, unchanged: 0 };
    },
  };
}

const where = (r: ImportReject) => [r.line, r.field, r.reason, r.code];

const badRowsMapping: MappingInput = {
  id: 'customer_id',
  name: 'name',
  email: 'email',
  phone: 'phone',
  locale: 'locale',
  traits: {
    balance: { from: 'balance', type: 'number' },
    vip: { from: 'vip', type: 'boolean' },
    joined: { from: 'joined', type: 'date' },
  },
};

/** The global gc() without --expose-gc on the command line (a V8 flag set at run time). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-import-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function expectMissiveError(promise: Promise<unknown>, code: string, details: Record<string, unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MissiveError);
  expect((err as MissiveError).code).toBe(code);
  expect((err as MissiveError).details).toMatchObject(details);
  return err as MissiveError;
}

describe('importing a CSV with bad rows', () => {
  it('names each bad line with its line, field and reason, and imports the rest', async () => {
    const { sink, customers } = memorySink();
    const report = path.join(tmp, 'bad-rows.rejects.csv');
    const summary = await importCustomers({
      file: fixture('customers-bad-rows.csv'),
      mapping: badRowsMapping,
      sink,
      rejectReportPath: report,
    });

    expect(summary.rejects.map(where)).toEqual([
      [3, '', 'expected 8 columns, found 7', 'MSV_INPUT_COLUMN_COUNT'],
      [4, 'balance', 'not a number', 'MSV_INPUT_BAD_VALUE'],
      [5, 'name', 'invalid UTF-8', 'MSV_INPUT_BAD_ENCODING'],
      [6, 'customer_id', 'empty id', 'MSV_INPUT_MISSING_VALUE'],
      // A name is printed on one line (address block, e-mail header): a quoted line break is refused.
      [7, 'name', 'contains control character U+000A (line feed)', 'MSV_INPUT_CONTROL_CHARACTER'],
      [9, 'email', 'not a valid e-mail address', 'MSV_INPUT_BAD_VALUE'],
      [10, 'phone', expect.stringMatching(/^not an E\.164 phone number/), 'MSV_INPUT_BAD_VALUE'],
      [13, 'customer_id', 'duplicate id (first on line 2)', 'MSV_INPUT_DUPLICATE_ID'],
    ]);
    expect(summary).toMatchObject({
      rows: 12,
      imported: 4,
      rejected: 8,
      complete: true,
      rejectReportPath: report,
    });
    expect(customers.map((c) => c.id)).toEqual(['C1', 'C8', 'C9', 'C10']);

    const [c1, c8, c9, c10] = customers;
    expect(c1).toMatchObject({
      name: 'Margaret Hughes',
      traits: { balance: 1200.5, vip: true, joined: '2020-01-15' },
    });
    expect(c8).toMatchObject({
      name: '王秀英',
      phone: '+8613812345678',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    expect(c9?.name).toBe('Name with \uFFFD kept');
    expect(c10).toMatchObject({ traits: { balance: 1000, vip: false, joined: '2024-02-29' } });

    const lines = fs.readFileSync(report, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('line,field,reason,code');
    expect(lines).toHaveLength(9);
    expect(lines[1]).toBe('3,,"expected 8 columns, found 7",MSV_INPUT_COLUMN_COUNT');
    expect(lines[3]).toBe('5,name,invalid UTF-8,MSV_INPUT_BAD_ENCODING');
  });

  it('detects a semicolon delimiter past a BOM and CRLF line ends, and reads decimal commas', async () => {
    const { sink, customers } = memorySink();
    const summary = await importCustomers({
      file: fixture('customers-semicolon.csv'),
      mapping: {
        id: 'id',
        name: 'name',
        traits: { balance: { from: 'balance', type: 'number', decimalSeparator: ',' } },
      },
      sink,
    });
    expect(customers.map((c) => [c.id, c.name, c.traits.balance])).toEqual([
      ['S1', 'Émile Zola', 1234.56],
      ['S2', 'Semi; Colon', -0.5],
    ]);
    expect(summary.rejects.map(where)).toEqual([[4, 'balance', 'not a number', 'MSV_INPUT_BAD_VALUE']]);
  });

  it('counts lines through quoted newlines and blank lines', async () => {
    const file = path.join(tmp, 'lines.csv');
    fs.writeFileSync(file, 'id,note,n\n\n1,"a\nb\nc",1\n\n\n2,x,oops\r\n3,"y",3\n4,z\n');
    const summary = await importCustomers({
      file,
      mapping: { id: 'id', traits: { n: { from: 'n', type: 'integer' } } },
      sink: memorySink().sink,
    });
    expect(summary.rejects.map((r) => [r.line, r.row, r.field])).toEqual([
      [8, 2, 'n'],
      [10, 4, ''],
    ]);
    expect(summary.rows).toBe(4);
  });

  it('rejects the line of an unbalanced quote and imports the rows after it', async () => {
    const file = path.join(tmp, 'unclosed.csv');
    fs.writeFileSync(file, 'id,name\n1,Ann\n2,"Bob\n3,Cy\n4,Di\n');
    const { sink, customers } = memorySink();
    const summary = await importCustomers({ file, mapping: { id: 'id', name: 'name' }, sink });
    expect(customers.map((c) => c.id)).toEqual(['1', '3', '4']);
    expect(summary.complete).toBe(true);
    expect(summary.rejects.map(where)).toEqual([
      [
        3,
        '',
        'unbalanced quote: a quoted field is not closed where the record ends (line 3 rejected, reading went on at line 4)',
        'MSV_INPUT_UNBALANCED_QUOTE',
      ],
    ]);
  });

  it('takes a tab-separated file and unmapped columns as traits with the default mapping', async () => {
    const file = path.join(tmp, 'plain.tsv');
    fs.writeFileSync(file, 'id\tname\temail\tsegment\n7\tAnn Lee\tann@example.com\tgold\n');
    const { sink, customers } = memorySink();
    await importCustomers({ file, sink });
    expect(customers).toEqual([
      expect.objectContaining({
        id: '7',
        name: 'Ann Lee',
        email: 'ann@example.com',
        traits: { segment: 'gold' },
      }),
    ]);
  });

  it('hands customers to the sink in batches and reports progress up to the file size', async () => {
    const { sink, batches } = memorySink();
    const progress: ImportProgress[] = [];
    await importCustomers({
      file: fixture('customers-bad-rows.csv'),
      mapping: badRowsMapping,
      sink,
      batchSize: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(batches).toEqual([2, 2]);
    const last = progress.at(-1)!;
    expect(last).toEqual({
      rows: 12,
      rejected: 8,
      bytesRead: fs.statSync(fixture('customers-bad-rows.csv')).size,
      totalBytes: fs.statSync(fixture('customers-bad-rows.csv')).size,
    });
  });
});

describe('importing NDJSON', () => {
  it('rejects the bad JSON line with its line number and imports the others', async () => {
    const { sink, customers } = memorySink();
    const summary = await importCustomers({ file: fixture('customers-bad-line.ndjson'), sink });
    expect(summary.rejects.map((r) => [r.line, r.field, r.code])).toEqual([[2, '', 'MSV_INPUT_BAD_ROW']]);
    expect(summary.rejects[0]?.reason).toMatch(/^invalid JSON/);
    expect(summary).toMatchObject({ format: 'ndjson', rows: 4, imported: 3, rejected: 1 });
    expect(customers.map((c) => c.id)).toEqual(['N1', 'N3', 'N4']);
    expect(customers[0]?.traits).toEqual({ balance: 12.5, segment: 'gold' });
    expect(customers[1]).toMatchObject({
      name: '王秀英',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      eDelivery: true,
      address: { lines: ['浦东新区世纪大道100号'], postalCode: '200120', city: '上海市', country: 'CN' },
    });
  });

  it('rejects invalid UTF-8 and lines that are not objects, reading past a BOM and CRLF', async () => {
    const file = path.join(tmp, 'mixed.jsonl');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('\uFEFF{"id":"a"}\r\n'),
        Buffer.from('{"id":"b","name":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n[1,2]\n   \n{"id":"c","traits":{"n":1}}'),
      ]),
    );
    const { sink, customers } = memorySink();
    const summary = await importCustomers({
      file,
      mapping: { id: 'id', name: 'name', traits: { n: { from: 'traits.n', type: 'integer' } } },
      sink,
    });
    expect(summary.rejects.map(where)).toEqual([
      [2, '', 'invalid UTF-8', 'MSV_INPUT_BAD_ENCODING'],
      [3, '', 'not a JSON object', 'MSV_INPUT_BAD_ROW'],
    ]);
    expect(customers.map((c) => [c.id, c.traits.n])).toEqual([
      ['a', null],
      ['c', 1],
    ]);
  });
});

describe('files and mappings that cannot be used', () => {
  it('a missing file, an unknown format, an empty file', async () => {
    const { sink } = memorySink();
    const missing = path.join(tmp, 'nope.csv');
    await expectMissiveError(importCustomers({ file: missing, sink }), 'MSV_INPUT_BAD_FILE', {
      file: missing,
    });
    const xlsx = path.join(tmp, 'c.xlsx');
    fs.writeFileSync(xlsx, 'x');
    await expectMissiveError(importCustomers({ file: xlsx, sink }), 'MSV_INPUT_BAD_FILE', { file: xlsx });
    const empty = path.join(tmp, 'empty.csv');
    fs.writeFileSync(empty, '');
    await expectMissiveError(importCustomers({ file: empty, sink }), 'MSV_INPUT_BAD_FILE', { file: empty });
  });

  it('a mapping that is missing, not JSON, invalid, or reads a column the file lacks', async () => {
    const { sink } = memorySink();
    const file = fixture('customers-bad-rows.csv');
    const missing = path.join(tmp, 'missing.json');
    await expectMissiveError(importCustomers({ file, mapping: missing, sink }), 'MSV_INPUT_BAD_MAPPING', {
      file: missing,
    });
    const notJson = path.join(tmp, 'bad.json');
    fs.writeFileSync(notJson, '{ "id": ');
    await expectMissiveError(importCustomers({ file, mapping: notJson, sink }), 'MSV_INPUT_BAD_MAPPING', {
      file: notJson,
    });
    const invalid = path.join(tmp, 'invalid.json');
    fs.writeFileSync(
      invalid,
      JSON.stringify({ id: 'customer_id', traits: { x: { from: 'x', type: 'float' } } }),
    );
    const err = await expectMissiveError(
      importCustomers({ file, mapping: invalid, sink }),
      'MSV_INPUT_BAD_MAPPING',
      {
        file: invalid,
        field: 'traits.x.type',
      },
    );
    expect(err.message).toContain('traits.x.type');
    const lacking = await expectMissiveError(
      importCustomers({ file, mapping: { id: 'customer_id', traits: { age: 'age' } }, sink }),
      'MSV_INPUT_BAD_MAPPING',
      { file, line: 1, field: 'age' },
    );
    expect(lacking.message).toContain('not in the header');
    const misspelt = await expectMissiveError(
      importCustomers({ file, mapping: { id: 'customer_id', email: 'emial' }, sink }),
      'MSV_INPUT_BAD_MAPPING',
      { file, line: 1, field: 'emial' },
    );
    expect(misspelt.message).toContain('did you mean "email"?');
  });

  it('reads UTF-16 with a BOM and GBK given as an option, Chinese names compared value by value', async () => {
    const iconv = (await import('iconv-lite')).default;
    const text = 'id,name,city\n1,罗海燕,上海市\n2,欧阳建国,北京市\n3,Zoë Brontë,York\n';
    const expected = [
      ['1', '罗海燕', '上海市'],
      ['2', '欧阳建国', '北京市'],
      ['3', 'Zoë Brontë', 'York'],
    ];
    const mapping: MappingInput = { id: 'id', name: 'name', traits: { city: 'city' } };
    for (const [name, bytes, encoding] of [
      ['utf16le.csv', iconv.encode(text, 'utf-16le', { addBOM: true }), undefined],
      ['utf16be.csv', iconv.encode(text, 'utf-16be', { addBOM: true }), undefined],
      ['gbk.csv', iconv.encode(text.replace('Zoë Brontë', 'Zoe Bronte'), 'gbk'), 'gbk'],
    ] as const) {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, bytes);
      const { sink, customers } = memorySink();
      const summary = await importCustomers({ file, mapping, sink, ...(encoding ? { encoding } : {}) });
      expect(summary.rejects, name).toEqual([]);
      const want =
        encoding === 'gbk'
          ? expected.map((r) => r.map((v) => v.replace('Zoë Brontë', 'Zoe Bronte')))
          : expected;
      expect(
        customers.map((c) => [c.id, c.name, c.traits.city]),
        name,
      ).toEqual(want);
    }
  });

  it('loses no row after a 5 MB field: the record is refused alone', async () => {
    const file = path.join(tmp, 'huge-field.csv');
    const lines = ['id,name,note', '1,Ann,short', `2,Bob,"${'x'.repeat(5 * 1024 * 1024)}"`];
    for (let i = 3; i <= 50; i++) lines.push(`${i},Customer ${i},fine`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const { sink, customers } = memorySink();
    const summary = await importCustomers({
      file,
      mapping: { id: 'id', name: 'name', traits: { note: 'note' } },
      sink,
    });
    expect(customers.map((c) => c.id)).toEqual(['1', ...Array.from({ length: 48 }, (_, i) => String(i + 3))]);
    expect(summary.rejected).toBe(1);
    expect(summary.rejects[0]).toMatchObject({ line: 3 });
  });

  it('reads a GB18030 file the mapping names, and says so when a GB18030 file is read as UTF-8', async () => {
    const iconv = (await import('iconv-lite')).default;
    const file = path.join(tmp, 'gb18030.csv');
    fs.writeFileSync(file, iconv.encode('id,name,city\n1,罗海燕,上海市\n2,王伟,北京市\n', 'gb18030'));
    const { sink, customers } = memorySink();
    const summary = await importCustomers({
      file,
      mapping: { id: 'id', name: 'name', encoding: 'gb18030', traits: { city: 'city' } },
      sink,
    });
    expect(summary.rejects).toEqual([]);
    expect(customers.map((c) => [c.name, c.traits.city])).toEqual([
      ['罗海燕', '上海市'],
      ['王伟', '北京市'],
    ]);
    const asUtf8 = await importCustomers({
      file,
      mapping: { id: 'id', name: 'name' },
      sink: memorySink().sink,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(asUtf8).toBeInstanceOf(MissiveError);
    expect((asUtf8 as MissiveError).code).toBe('MSV_INPUT_WRONG_ENCODING');
    expect((asUtf8 as MissiveError).message).toMatch(/GB18030/i);
  });
});

describe('the bank-marketing data set', () => {
  it('imports all 45,211 customers of bank-full.csv with the shipped mapping and no rejects', async () => {
    let count = 0;
    let subscribed = 0;
    const seen: Customer[] = [];
    const summary = await importCustomers({
      file: BANK_CSV,
      mapping: BANK_MAPPING,
      sink: async (batch) => {
        count += batch.length;
        for (const c of batch) if (c.traits.subscribedTermDeposit === true) subscribed++;
        if (seen.length === 0) seen.push(batch[0]!);
        seen[1] = batch.at(-1)!;
        return { inserted: batch.length, updated: 0, unchanged: 0 };
      },
    });
    expect(summary).toMatchObject({
      rows: 45_211,
      imported: 45_211,
      rejected: 0,
      rejects: [],
      complete: true,
    });
    expect(count).toBe(45_211);
    expect(subscribed).toBe(5_289);
    const [first, last] = seen;
    expect(first?.id).toBe('1');
    expect(last?.id).toBe('45211');
    expect(first?.traits).toEqual({
      age: 58,
      job: 'management',
      marital: 'married',
      education: 'tertiary',
      hasCreditDefault: false,
      balance: 2143,
      hasHousingLoan: true,
      hasPersonalLoan: false,
      contact: 'unknown',
      lastContactDay: 5,
      lastContactMonth: 'may',
      campaignContacts: 1,
      pdaysSinceLastContact: -1,
      previousContacts: 0,
      previousOutcome: 'unknown',
      subscribedTermDeposit: false,
    });
    expect(first?.name).not.toBe('');
    expect(first?.email).toMatch(/@example\.(com|net)$/);
  });

  it('imports the shipped 200-row sample with the same mapping and the same identities', async () => {
    const { sink, customers } = memorySink();
    const summary = await importCustomers({
      file: path.join(here, '..', '..', 'examples', 'customers-sample.csv'),
      mapping: BANK_MAPPING,
      sink,
    });
    expect(summary).toMatchObject({ rows: 200, imported: 200, rejected: 0 });
    expect(customers[0]?.id).toBe('1');
    expect(new Set(customers.map((c) => c.locale))).toEqual(new Set(['zh-CN', 'en-GB']));
  });
});

describe('streaming', () => {
  it('imports a generated 200k-row CSV with bounded heap', async () => {
    const file = path.join(tmp, 'big.csv');
    const out = fs.createWriteStream(file);
    out.write('id,name,email,balance,vip\n');
    const rows = 200_000;
    for (let i = 1; i <= rows; i++) {
      const line = `${i},Customer ${i},c${i}@example.com,${(i * 7.31).toFixed(2)},${i % 3 === 0 ? 'yes' : 'no'}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));

    // Live heap (measured after a full GC), so garbage not yet collected does not count.
    const gc = exposeGc();
    const liveHeap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const baseline = liveHeap();
    let peak = baseline;
    let batches = 0;
    const { sink, count } = countingSink();
    const summary = await importCustomers({
      file,
      mapping: {
        id: 'id',
        name: 'name',
        email: 'email',
        traits: { balance: { from: 'balance', type: 'number' }, vip: { from: 'vip', type: 'boolean' } },
      },
      sink: async (batch) => {
        if (++batches % 40 === 0) peak = Math.max(peak, liveHeap());
        return sink(batch);
      },
    });
    expect(summary).toMatchObject({ rows, imported: rows, rejected: 0 });
    expect(count()).toBe(rows);
    peak = Math.max(peak, liveHeap());
    const deltaMb = (peak - baseline) / 2 ** 20;
    console.info(`200k rows: heap delta ${deltaMb.toFixed(1)} MB`);
    expect(deltaMb).toBeLessThan(100);
  }, 30_000);
});
