import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/seeded-random.ts';
import { sampleBeta, sampleGamma } from './beta-sampler.ts';
import { isHeldOut } from './holdout.ts';
import { modelSnapshot, PRIOR_ONLY, posteriorOf, simulatePropensities, thompsonRank } from './ranking.ts';
import { fillSlots } from './slots.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('Gamma and Beta sampling', () => {
  it('has the right means (Gamma(k) → k, Beta(a, b) → a / (a + b)), also for shapes below 1', () => {
    const rng = seededRandom('sampler-test');
    for (const k of [0.5, 1, 3.5]) {
      expect(mean(Array.from({ length: 20_000 }, () => sampleGamma(k, rng)))).toBeCloseTo(k, 1);
    }
    const draws = Array.from({ length: 20_000 }, () => sampleBeta(2, 18, rng));
    expect(mean(draws)).toBeCloseTo(0.1, 2);
    expect(draws.every((x) => x > 0 && x < 1)).toBe(true);
  });
  it('is reproducible from the seed', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          sampleBeta(1, 3, r)
      )(seededRandom('s')),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          sampleBeta(1, 3, r)
      )(seededRandom('s')),
    );
    expect(a).toEqual(b);
  });
});

describe('Beta posteriors from model statistics', () => {
  it('prior pseudo-counts plus successes and failures, per segment', () => {
    const model = modelSnapshot([
      { offerId: 'deposit', segment: 'young|student', exposures: 100, successes: 30 },
    ]);
    expect(posteriorOf({ alpha: 2, beta: 18 }, 'deposit', 'young|student', model)).toEqual({
      alpha: 32,
      beta: 88,
      learned: true,
    });
    expect(posteriorOf({ alpha: 2, beta: 18 }, 'deposit', 'older|retired', model)).toEqual({
      alpha: 2,
      beta: 18,
      learned: false,
    });
    expect(model.version).toMatch(/^stats@[0-9a-f]{12}$/);
    expect(PRIOR_ONLY.version).toBe('prior-only');
  });
  it('the version is the content of the statistics, whatever their order', () => {
    const rows = [
      { offerId: 'a', segment: 's', exposures: 1, successes: 0 },
      { offerId: 'b', segment: 's', exposures: 2, successes: 1 },
    ];
    expect(modelSnapshot(rows).version).toBe(modelSnapshot([...rows].reverse()).version);
  });
});

describe('Thompson sampling, slots and propensities', () => {
  const candidates = [
    { offerId: 'good', weight: 1, alpha: 50, beta: 50, group: 'savings' },
    { offerId: 'also-savings', weight: 1, alpha: 40, beta: 60, group: 'savings' },
    { offerId: 'weak', weight: 1, alpha: 5, beta: 95, group: null },
  ];
  it('ranks by weight × sampled rate', () => {
    const order: number[] = [];
    thompsonRank(candidates, seededRandom('x'), new Float64Array(3), new Float64Array(3), order);
    expect(order[2]).toBe(2);
  });
  it('fills slots with one offer per exclusion group', () => {
    const outcome = fillSlots([0, 1, 2], (i) => candidates[i]!.group, 2);
    expect(outcome.chosen).toEqual([0, 2]);
    expect(outcome.left).toEqual([{ index: 1, rule: 'exclusion-group', by: 0 }]);
    expect(fillSlots([0, 2, 1], (i) => candidates[i]!.group, 1).left.map((l) => l.rule)).toEqual([
      'slots',
      'exclusion-group',
    ]);
  });
  it('propensities are probabilities per slot that sum to one over the candidates', () => {
    const p = simulatePropensities(candidates, 2, 'k');
    const slot0 = [p[0]!, p[2]!, p[4]!];
    expect(slot0.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[0]!).toBeGreaterThan(p[2]!); // the better savings offer wins slot 1 more often
    expect(p[1]! + p[3]!).toBeCloseTo(0, 6); // a savings offer is never second: the group excludes it
    expect(simulatePropensities(candidates, 2, 'k')).toEqual(p);
  });
});

describe('holdout', () => {
  it('is stable per customer and campaign, and holds out about the share asked for', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `c${i}`);
    const held = ids.filter((id) => isHeldOut(id, 'monthly-statement', 0.1));
    expect(held.length / ids.length).toBeGreaterThan(0.09);
    expect(held.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => isHeldOut(id, 'monthly-statement', 0.1))).toEqual(held);
    const other = ids.filter((id) => isHeldOut(id, 'spring-promotion', 0.1));
    expect(other).not.toEqual(held); // each campaign has its own control group
    expect(isHeldOut('c1', 'x', 0)).toBe(false);
    expect(isHeldOut('c1', 'x', 1)).toBe(true);
  });
});
