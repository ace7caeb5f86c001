/**
 * Exact sums of decimal amounts. Feeds carry money in major units (1234.56); adding binary floats
 * drifts (0.1 + 0.2 = 0.30000000000000004) and a statement's closing balance must equal its
 * opening balance plus its lines to the cent. Each value is scaled to an integer at the largest
 * number of decimals among the values (at most 8), added, and scaled back once.
 */

const MAX_DECIMALS = 8;

function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0;
  const text = String(value);
  const e = text.indexOf('e-');
  if (e >= 0) return MAX_DECIMALS;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(MAX_DECIMALS, text.length - dot - 1);
}

/** The exact decimal sum of finite numbers (non-numbers are skipped). */
export function decimalSum(values: Iterable<unknown>): number {
  const numbers: number[] = [];
  let decimals = 0;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    numbers.push(v);
    decimals = Math.max(decimals, decimalsOf(v));
  }
  const scale = 10 ** decimals;
  let total = 0;
  for (const n of numbers) total += Math.round(n * scale);
  return total / scale;
}

/** Running totals: start, start + v1, start + v1 + v2… each exact (one per value). */
export function runningSums(start: number, values: readonly unknown[]): number[] {
  let decimals = decimalsOf(start);
  for (const v of values) if (typeof v === 'number') decimals = Math.max(decimals, decimalsOf(v));
  const scale = 10 ** decimals;
  let total = Math.round(start * scale);
  return values.map((v) => {
    if (typeof v === 'number' && Number.isFinite(v)) total += Math.round(v * scale);
    return total / scale;
  });
}
