import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/**
 * A pass-through stream that knows the physical line of any byte offset it has passed on, so records
 * can be named by the line they start on. A line ends at LF, CRLF or a lone CR (as editors count),
 * whatever record delimiter the CSV parser settled on; csv-parse's own count is off by one on mixed
 * line ends. Offsets must be asked for in increasing order; chunks behind the cursor are let go.
 */
export class LineIndex extends Transform {
  private readonly queue: Buffer[] = [];
  private queueStart = 0;
  private offset = 0;
  private breaks = 0;
  private previousCr = false;
  private lastWasBreak = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length > 0) this.queue.push(chunk);
    callback(null, chunk);
  }

  /** Counts the bytes up to `end` (exclusive); returns the line of the last of them. */
  advanceTo(end: number): number {
    while (this.offset < end && this.queue.length > 0) {
      const chunk = this.queue[0]!;
      const stop = Math.min(chunk.length, end - this.queueStart);
      for (let i = this.offset - this.queueStart; i < stop; i++) this.count(chunk[i]!);
      this.offset = this.queueStart + stop;
      if (stop === chunk.length) this.releaseChunk();
    }
    return this.lastWasBreak ? this.breaks : this.breaks + 1;
  }

  /** Skips line ends from the cursor on; returns the line of the next other byte (a record's first). */
  nextContentLine(): number {
    while (this.queue.length > 0) {
      const chunk = this.queue[0]!;
      const byte = chunk[this.offset - this.queueStart]!;
      if (byte !== CR && byte !== LF) break;
      this.count(byte);
      this.offset++;
      if (this.offset - this.queueStart === chunk.length) this.releaseChunk();
    }
    return this.breaks + 1;
  }

  private count(byte: number): void {
    if (byte === CR) {
      this.breaks++;
      this.previousCr = true;
      this.lastWasBreak = true;
    } else if (byte === LF) {
      if (!this.previousCr) this.breaks++;
      this.previousCr = false;
      this.lastWasBreak = true;
    } else {
      this.previousCr = false;
      this.lastWasBreak = false;
    }
  }

  private releaseChunk(): void {
    this.queueStart += this.queue.shift()!.length;
  }
}
