import { once } from 'node:events';
import fs from 'node:fs';
import { csvCell } from '../core/csv-cell.ts';
import { type ErrorCode, MissiveError } from '../core/errors.ts';

/** One refused row (or one of its problems): where, which column, why. Never the value itself. */
export interface ImportReject {
  /** Physical line in the file where the record starts (a CSV header is line 1). */
  line: number;
  /** Data row number (1-based, header excluded). */
  row: number;
  /** The source column (or NDJSON path); "" when the whole record is at fault. */
  field: string;
  reason: string;
  code: ErrorCode;
  /** The id, when the row had a usable one. */
  customerId: string | null;
}

export const REJECT_REPORT_HEADER = 'line,field,reason,code';

/** Writes rejects as CSV (line,field,reason,code) as they come, honouring the stream's backpressure. */
export class RejectReportWriter {
  private readonly out: fs.WriteStream;
  private failure: Error | undefined;

  private constructor(
    readonly file: string,
    out: fs.WriteStream,
  ) {
    this.out = out;
    out.on('error', (err) => {
      this.failure = err;
    });
  }

  static async open(file: string): Promise<RejectReportWriter> {
    const out = fs.createWriteStream(file, { encoding: 'utf8' });
    try {
      await once(out, 'open');
    } catch (err) {
      throw new MissiveError(
        'MSV_INPUT_BAD_FILE',
        `cannot write the reject report: ${(err as Error).message}`,
        { file },
      );
    }
    const writer = new RejectReportWriter(file, out);
    await writer.writeLine(REJECT_REPORT_HEADER);
    return writer;
  }

  async write(reject: ImportReject): Promise<void> {
    await this.writeLine(
      [String(reject.line), csvCell(reject.field), csvCell(reject.reason), reject.code].join(','),
    );
  }

  async close(): Promise<void> {
    if (!this.out.writableEnded) {
      this.out.end();
      await once(this.out, 'close').catch(() => undefined);
    }
    this.check();
  }

  private async writeLine(text: string): Promise<void> {
    this.check();
    if (!this.out.write(`${text}\n`)) await once(this.out, 'drain');
  }

  private check(): void {
    if (this.failure) {
      throw new MissiveError(
        'MSV_INPUT_BAD_FILE',
        `cannot write the reject report: ${this.failure.message}`,
        {
          file: this.file,
        },
      );
    }
  }
}
