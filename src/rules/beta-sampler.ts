import type { SeededRandom } from '../core/seeded-random.ts';

/**
 * Gamma and Beta draws from a seeded uniform source. Written by hand (≈30 lines) rather than taken
 * from npm: the packages that have it either bring a whole statistics library (@stdlib, jStat) or
 * draw from Math.random, and a decision must draw from the seeded generator to be reproducible.
 * Marsaglia & Tsang (2000), "A simple method for generating gamma variables", with the
 * U^(1/a) boost for shape < 1; normals by the Marsaglia polar method.
 */

export function sampleNormal(rng: SeededRandom): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

export function sampleGamma(shape: number, rng: SeededRandom): number {
  if (shape < 1) {
    const u = rng.next();
    return sampleGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A draw from Beta(alpha, beta) as X / (X + Y), X ~ Gamma(alpha), Y ~ Gamma(beta). */
export function sampleBeta(alpha: number, beta: number, rng: SeededRandom): number {
  const x = sampleGamma(alpha, rng);
  const y = sampleGamma(beta, rng);
  return x / (x + y);
}
