import fs from 'node:fs/promises';
import { MissiveError } from '../../core/errors.ts';

/**
 * Control totals: what the extracting system says it wrote — a row count and the sum of an amount
 * field — so a truncated or doubled file is caught before a customer sees a wrong document. Bank
 * extracts carry them in a sidecar control file next to the data file (`transactions.csv.ctl`, or
 * `transactions.ctl`):
 *
 *     # any comment
 *     rows=1843
 *     amount=-52311.07
 *     asOf=2026-11-30        (optional: the period the file is for)
 *
 * Amounts are compared exactly, as decimal text scaled to integers (exact-amount.ts).
 */
export interface ControlTotals {
  file: string;
  rows: number | null;
  amount: string | null;
  asOf: string | null;
}

/** The control file beside `dataFile`, if one exists. */
export async function readControlTotals(dataFile: string): Promise<ControlTotals | undefined> {
  for (const candidate of [`${dataFile}.ctl`, dataFile.replace(/\.[^./]+$/, '.ctl')]) {
    let text: string;
    try {
      text = await fs.readFile(candidate, 'utf8');
    } catch {
      continue;
    }
    return parseControlTotals(text, candidate);
  }
  return undefined;
}

export function parseControlTotals(text: string, file: string): ControlTotals {
  const out: ControlTotals = { file, rows: null, amount: null, asOf: null };
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_]+)\s*[=:]\s*(.*)$/.exec(line);
    const fail = (reason: string) =>
      new MissiveError('MSV_FEED_CONTROL_INVALID', `${file} line ${i + 1}: ${reason}`, { file, line: i + 1 });
    if (!m) throw fail('expected key=value (rows, amount, asOf)');
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'rows' || key === 'count' || key === 'records') {
      if (!/^\d+$/.test(value)) throw fail(`rows must be a whole number, not "${value}"`);
      out.rows = Number(value);
    } else if (key === 'amount' || key === 'sum' || key === 'total') {
      if (!/^[-+]?\d+(\.\d+)?$/.test(value))
        throw fail(`amount must be a decimal number like -1234.56, not "${value}"`);
      out.amount = value;
    } else if (key === 'asof' || key === 'as_of' || key === 'period') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw fail(`asOf must be YYYY-MM-DD, not "${value}"`);
      out.asOf = value;
    } else {
      throw fail(`unknown key "${m[1]}" (rows, amount, asOf)`);
    }
  }
  return out;
}

const SCALE_DIGITS = 8;

/** A decimal number (text or a finite JS number) as an integer count of 10⁻⁸: exact to add and compare. */
export function toScaled(value: number | string): bigint {
  let text = typeof value === 'number' ? numberText(value) : value.trim();
  const negative = text.startsWith('-');
  if (negative || text.startsWith('+')) text = text.slice(1);
  const [whole = '0', fraction = ''] = text.split('.');
  const scaled =
    BigInt(whole || '0') * 10n ** BigInt(SCALE_DIGITS) +
    BigInt((fraction.slice(0, SCALE_DIGITS) || '0').padEnd(SCALE_DIGITS, '0'));
  return negative ? -scaled : scaled;
}

/** The scaled integer back as plain decimal text without trailing zeros: -5231107000000n → "-52311.07". */
export function scaledText(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(SCALE_DIGITS + 1, '0');
  const whole = digits.slice(0, -SCALE_DIGITS);
  const fraction = digits.slice(-SCALE_DIGITS).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function numberText(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return Number.isInteger(n) ? BigInt(n).toString() : n.toFixed(SCALE_DIGITS);
}

/**
 * An exact running sum of many amounts, fast: values with at most 4 decimals (all money) are added
 * as integers of 10⁻⁴ in a double (exact below 2⁵³) and moved into a bigint every 100,000 values;
 * anything finer goes through toScaled. Equal to adding toScaled of every value.
 */
export class ExactSum {
  #big = 0n;
  #small = 0;
  #count = 0;

  add(value: number): void {
    const scaled = value * 1e4;
    const rounded = Math.round(scaled);
    if (Math.abs(scaled - rounded) < 1e-6 && Math.abs(rounded) < 1e15) {
      this.#small += rounded;
      if (++this.#count >= 100_000) this.#flush();
    } else {
      this.#big += toScaled(value);
    }
  }

  /** The sum, scaled as toScaled scales (10⁻⁸). */
  get scaled(): bigint {
    this.#flush();
    return this.#big;
  }

  #flush(): void {
    this.#big += BigInt(this.#small) * 10_000n;
    this.#small = 0;
    this.#count = 0;
  }
}
