import { describe, expect, it } from 'vitest';
import { offPolicyEstimate } from './offline-evaluation.ts';
import { meanInterval, normalCdf, twoProportionTest, wilson } from './stats.ts';
import { isSuccess, parseSuccessRules } from './success.ts';
import { smsKeyword } from './webhooks/twilio-inbound.ts';

describe('statistics', () => {
  it('normal CDF, Wilson interval and two-proportion test match textbook values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
    const w = wilson(10, 100);
    expect(w.low).toBeCloseTo(0.0552, 3);
    expect(w.high).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
    const t = twoProportionTest(60, 500, 40, 500);
    expect(t.z).toBeCloseTo(2.1082, 3); // 0.04 / sqrt(0.1 × 0.9 × 2 / 500)
    expect(t.pValue).toBeCloseTo(0.035, 3);
    expect(meanInterval([1, 2, 3])).toMatchObject({ mean: 2 });
  });

  it('IPS and SNIPS: on-policy evaluation of a deterministic logger is the plain mean', () => {
    const samples = [1, 0, 1, 1].map((reward) => ({ logged: 'a', propensity: 1, reward, target: 'a' }));
    const e = offPolicyEstimate(samples);
    expect([e.ips.mean, e.snips.mean, e.matched, e.effectiveSamples]).toEqual([0.75, 0.75, 4, 4]);
    const none = offPolicyEstimate(samples.map((s) => ({ ...s, target: 'b' })));
    expect([none.ips.mean, none.matched]).toEqual([0, 0]);
  });
});

describe('SMS keywords', () => {
  it.each([
    ['STOP', 'stop'],
    [' stop ', 'stop'],
    ['Stop.', 'stop'],
    ['STOPALL', 'stop'],
    ['unsubscribe', 'stop'],
    ['退订', 'stop'],
    ['退订。', 'stop'],
    ['TD', 'stop'],
    ['ＳＴＯＰ', 'stop'],
    ['YES', 'yes'],
    ['y', 'yes'],
    ['Yes!', 'yes'],
    ['是', 'yes'],
    ['是的', 'yes'],
    ['yes please call me', null],
    ['stop sending me the bill?', null],
    ['', null],
  ] as const)('%j → %s', (body, keyword) => {
    expect(smsKeyword(body)).toBe(keyword);
  });
});

describe('success rules', () => {
  it('per communication type, with a default', () => {
    const rules = parseSuccessRules('monthly-statement=converted; *=accepted,converted');
    expect(isSuccess(rules, 'monthly-statement', 'clicked')).toBe(false);
    expect(isSuccess(rules, 'monthly-statement', 'converted')).toBe(true);
    expect(isSuccess(rules, 'other', 'accepted')).toBe(true);
    expect(() => parseSuccessRules('nonsense')).toThrow(/TYPE=KIND/);
  });
});
