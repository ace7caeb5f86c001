/**
 * The few statistics the feedback loop reports with, written out (≈40 lines) rather than pulling in
 * a statistics library: the normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7), Wilson
 * score intervals, the two-proportion z-test, and a normal interval for a mean.
 */

export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export interface Interval {
  low: number;
  high: number;
}

/** 95 % Wilson score interval for successes out of n. */
export function wilson(successes: number, n: number, z = 1.959964): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface ProportionTest {
  difference: number;
  z: number;
  /** Two-sided. */
  pValue: number;
}

/** Two-proportion z-test (pooled variance) of a = s1/n1 against b = s2/n2. */
export function twoProportionTest(s1: number, n1: number, s2: number, n2: number): ProportionTest {
  const p1 = n1 === 0 ? 0 : s1 / n1;
  const p2 = n2 === 0 ? 0 : s2 / n2;
  const pooled = n1 + n2 === 0 ? 0 : (s1 + s2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(n1, 1) + 1 / Math.max(n2, 1)));
  const z = se === 0 ? 0 : (p1 - p2) / se;
  return { difference: p1 - p2, z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Mean with a 95 % normal interval (the sample standard deviation over √n). */
export function meanInterval(values: ArrayLike<number>): { mean: number } & Interval {
  const n = values.length;
  if (n === 0) return { mean: 0, low: 0, high: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  const half = (1.959964 * Math.sqrt(ss / Math.max(n - 1, 1))) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}
