import fs from 'node:fs';
import { parse } from 'csv-parse';
import type { RowValues, SourceItem } from '../source-row.ts';

/**
 * The fast path for clean UTF-8 CSV extracts, which is what core systems write: csv-parse in string
 * mode, records handed out a batch at a time (a 60-million-row feed spends its time in parsing, not
 * in one promise per row). Any sign of trouble — a CSV syntax error (an unbalanced quote), a byte
 * that is not UTF-8 — throws NotFastPath, and the caller reads the file again with the customer
 * import's recovering reader (csv-reader.ts), which rejects the broken records and goes on. csv-parse
 * has no such recovery, which is why both exist.
 */
export class NotFastPath extends Error {
  override readonly name = 'NotFastPath';
}

export interface FastCsv {
  readonly columns: readonly string[];
  /** Bytes read so far. */
  readonly progress: { bytesRead: number };
  /** Batches of records (rows, and rows with the wrong column count as unreadable). */
  batches(): AsyncGenerator<SourceItem[]>;
  close(): void;
}

export class ArrayRowValues implements RowValues {
  constructor(
    private readonly index: ReadonlyMap<string, number>,
    private readonly columns: readonly string[],
    private readonly cells: readonly string[],
  ) {}
  get(column: string): unknown {
    const i = this.index.get(column);
    return i === undefined ? undefined : this.cells[i];
  }
  keys(): readonly string[] {
    return this.columns;
  }
}

/** Line breaks inside a record's quoted fields (CRLF and lone CR count once). */
function breaksIn(record: readonly string[]): number {
  let n = 0;
  for (const cell of record) {
    if (cell.length === 0 || (!cell.includes('\n') && !cell.includes('\r'))) continue;
    n += cell.replace(/\r\n/g, '\n').replace(/\r/g, '\n').split('\n').length - 1;
  }
  return n;
}

export async function openFastCsv(file: string, delimiter: string): Promise<FastCsv> {
  const source = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  const parser = source.pipe(
    parse({
      // No `info`: it costs half the parse. Lines are counted here: empty lines come as [''] and are
      // skipped, a quoted field with line breaks spans as many lines as it has.
      delimiter,
      bom: true,
      relax_column_count: true,
      encoding: 'utf8',
    }),
  );
  source.on('error', (err) => parser.destroy(err));
  const progress = { bytesRead: 0 };
  let ended = false;
  let failure: Error | undefined;
  parser.on('end', () => {
    ended = true;
  });
  parser.on('error', (err: Error) => {
    failure = err;
  });
  /** Records already parsed, without a promise per record; waits only when none are buffered. */
  const readSome = async (max: number): Promise<string[][]> => {
    for (;;) {
      if (failure) throw new NotFastPath(failure.message);
      const out: string[][] = [];
      for (let r = parser.read(); r !== null; r = out.length < max ? parser.read() : null) out.push(r);
      if (out.length > 0 || ended) return out;
      await new Promise<void>((resolve) => {
        const done = () => {
          parser.off('readable', done);
          parser.off('end', done);
          parser.off('error', done);
          resolve();
        };
        parser.on('readable', done);
        parser.on('end', done);
        parser.on('error', done);
      });
    }
  };
  const [first] = await readSome(1);
  if (!first) throw new NotFastPath('empty file');
  const columns = first.map((c) => c.trim());
  let nextLine = 2 + breaksIn(first);
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!index.has(c)) index.set(c, i);
  });
  const close = () => {
    source.destroy();
    parser.destroy();
  };
  async function* batches(): AsyncGenerator<SourceItem[]> {
    let row = 0;
    try {
      for (;;) {
        const records = await readSome(2_000);
        if (records.length === 0) break;
        const batch: SourceItem[] = [];
        for (const record of records) {
          const line = nextLine;
          nextLine += 1 + breaksIn(record);
          if (record.length === 1 && record[0] === '') continue;
          row += 1;
          for (const cell of record) if (cell.includes('\uFFFD')) throw new NotFastPath('not UTF-8');
          batch.push(
            record.length === columns.length
              ? { kind: 'row', line, row, values: new ArrayRowValues(index, columns, record) }
              : {
                  kind: 'unreadable',
                  line,
                  row,
                  problem: {
                    field: '',
                    reason: `${record.length} columns where the header has ${columns.length}`,
                    code: 'MSV_INPUT_COLUMN_COUNT',
                  },
                },
          );
        }
        progress.bytesRead = source.bytesRead;
        yield batch;
      }
    } finally {
      close();
    }
  }
  return { columns, progress, batches, close };
}
