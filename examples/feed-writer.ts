import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';

/**
 * Writes one feed extract the way core systems do: a CSV file with a header row, and beside it a
 * control file `<file>.ctl` with the row count, the exact sum of the feed's control amount and the
 * period (`rows=…`, `amount=…`, `asOf=…`; see src/customers/feeds/control-totals.ts). Used by the
 * example generators under examples/; nothing in Missive itself writes feeds.
 *
 * Streaming: lines are gathered into chunks of about 256 KB and written with backpressure (`pressure()`
 * waits for the disk when the stream's buffer is full), so a 60-million-row file needs no more memory
 * than a small one. Amounts are counted in integer minor units (`decimals` places), so the control
 * total is exact.
 */
export interface WrittenFeed {
  /** The data source the feed belongs to (`missive feeds load <datasource> <feed> FILE`). */
  datasource: string;
  feed: string;
  file: string;
  rows: number;
  /** The control amount as decimal text, or null when the feed has no control amount. */
  amount: string | null;
}

export interface FeedWriterOptions {
  datasource: string;
  feed: string;
  file: string;
  columns: readonly string[];
  asOf: string;
  /** Decimal places of the control amount (2 for money); omit when the feed has no control amount. */
  amountDecimals?: number;
}

const CHUNK_CHARS = 256 * 1024;

export class FeedWriter {
  readonly #options: FeedWriterOptions;
  readonly #stream: WriteStream;
  #chunk = '';
  #rows = 0;
  /** Running sum in minor units; moved into #total before it could lose precision. */
  #sum = 0;
  #total = 0n;

  private constructor(options: FeedWriterOptions, stream: WriteStream) {
    this.#options = options;
    this.#stream = stream;
    this.#chunk = `${options.columns.join(',')}\n`;
  }

  static async open(options: FeedWriterOptions): Promise<FeedWriter> {
    const stream = createWriteStream(options.file);
    await once(stream, 'open');
    return new FeedWriter(options, stream);
  }

  /** One record: cells already formatted (use `csvCell` for free text); `amount` in minor units. */
  row(cells: string, amount = 0): void {
    this.#chunk += `${cells}\n`;
    this.#rows += 1;
    if (amount !== 0) {
      this.#sum += amount;
      if (Math.abs(this.#sum) > 1e15) this.#settle();
    }
  }

  /** Hands the gathered lines to the stream when there are enough, waiting while its buffer is full. */
  async pressure(): Promise<void> {
    if (this.#chunk.length < CHUNK_CHARS) return;
    await this.#flush();
  }

  /** Flushes, closes the file and writes its control file. */
  async close(): Promise<WrittenFeed> {
    await this.#flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
    const { datasource, feed, file, asOf, amountDecimals } = this.#options;
    this.#settle();
    const amount = amountDecimals === undefined ? null : decimalText(this.#total, amountDecimals);
    const control = [`rows=${this.#rows}`, ...(amount === null ? [] : [`amount=${amount}`]), `asOf=${asOf}`];
    await fs.writeFile(`${file}.ctl`, `${control.join('\n')}\n`);
    return { datasource, feed, file, rows: this.#rows, amount };
  }

  /** Closes without a control file (after an error). */
  destroy(): void {
    this.#stream.destroy();
  }

  async #flush(): Promise<void> {
    if (this.#chunk === '') return;
    const chunk = this.#chunk;
    this.#chunk = '';
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }

  #settle(): void {
    this.#total += BigInt(this.#sum);
    this.#sum = 0;
  }
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Integer minor units as decimal text with `decimals` places: -123456 → "-1234.56". */
export function decimalText(minor: number | bigint, decimals = 2): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? digits : digits.slice(0, -decimals);
  const fraction = decimals === 0 ? '' : `.${digits.slice(-decimals)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Money in integer minor units as feed text: 123456 → "1234.56", -5 → "-0.05" (fast path for big files). */
export function money(cents: number): string {
  const abs = cents < 0 ? -cents : cents;
  const fraction = abs % 100;
  return `${cents < 0 ? '-' : ''}${(abs - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
}
