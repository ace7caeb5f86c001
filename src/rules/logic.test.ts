import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/seeded-random.ts';
import { compileLogic, truthy } from './logic.ts';

const RULES: unknown[] = [
  { '==': [{ var: 'a' }, 1] },
  { '==': [{ var: 'a' }, '1'] },
  { '===': [{ var: 'a' }, 1] },
  { '!=': [{ var: 's' }, 'x'] },
  { '<': [1, { var: 'a' }, 5] },
  { '<=': [{ var: 'a' }, { var: 'b' }] },
  { '>': [{ var: 'missing.deep' }, 0] },
  { and: [{ var: 'flag' }, { var: 's' }] },
  { or: [{ var: 'none' }, { var: 'a' }, 0] },
  { if: [{ '<': [{ var: 'a' }, 0] }, 'neg', { '<': [{ var: 'a' }, 3] }, 'small', 'big'] },
  { '?:': [{ var: 'flag' }, 1, 2] },
  { '!': { var: 'list' } },
  { '!!': [{ var: 'list' }] },
  { in: [{ var: 's' }, ['x', 'y']] },
  { in: ['ab', { var: 's' }] },
  { '+': [{ var: 'a' }, '2', { var: 'b' }] },
  { '*': [{ var: 'a' }, 3] },
  { '-': [{ var: 'a' }] },
  { '-': [{ var: 'a' }, { var: 'b' }] },
  { '/': [{ var: 'a' }, 2] },
  { '%': [{ var: 'a' }, 3] },
  { min: [{ var: 'a' }, { var: 'b' }, 4] },
  { max: [{ var: 'a' }, { var: 'b' }] },
  { cat: ['a', { var: 's' }, 1] },
  { var: ['nope', 'default'] },
  { var: 'nested.x' },
  { missing: ['a', 'none', 's'] },
  { some: [{ var: 'list' }, { '>': [{ var: '' }, 1] }] },
  { substr: [{ var: 's' }, 1] },
];

function randomData(i: number): Record<string, unknown> {
  const rng = seededRandom('logic-data', String(i));
  const pick = <T>(xs: T[]) => rng.pick(xs);
  return {
    a: pick([-2, 0, 1, 2, 3, 7, '1', null]),
    b: pick([0, 1, 5, null]),
    s: pick(['x', 'y', 'abc', '', null]),
    flag: pick([true, false, null, 0]),
    list: pick([[], [1, 2], [0, 5]]),
    nested: pick([{ x: 1 }, null, {}]),
  };
}

describe('compileLogic', () => {
  it('agrees with json-logic-js on every rule and 200 random data objects', () => {
    for (const rule of RULES) {
      const compiled = compileLogic(rule);
      for (let i = 0; i < 200; i++) {
        const data = randomData(i);
        expect(compiled(data), JSON.stringify({ rule, data })).toEqual(
          jsonLogic.apply(rule as RulesLogic, data),
        );
      }
    }
  });

  it('uses json-logic truthiness: an empty array is false', () => {
    expect(truthy([])).toBe(false);
    expect(truthy([0])).toBe(true);
    expect(truthy('0')).toBe(true);
    expect(truthy(0)).toBe(false);
  });
});
