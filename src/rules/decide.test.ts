import { describe, expect, it } from 'vitest';
import { testCatalog, testCustomer, testOffer } from '../../test/support/test-catalog.ts';
import { MissiveError } from '../core/errors.ts';
import type { Customer } from '../core/types.ts';
import type { Catalog } from './catalog.ts';
import { compileCatalog } from './compile.ts';
import { decide } from './decide.ts';
import type { CustomerHistory, DecisionContext } from './decision.ts';
import { explainDecision } from './explain.ts';
import { modelSnapshot, PRIOR_ONLY } from './ranking.ts';

function ctx(catalog: Catalog = testCatalog(), extra: Partial<DecisionContext> = {}): DecisionContext {
  return {
    asOf: '2026-10-31',
    now: '2026-11-23T10:00:00Z',
    runId: 'run-1',
    communicationType: 'statement',
    catalog: compileCatalog(catalog),
    model: PRIOR_ONLY,
    ...extra,
  };
}

const rejectedRule = (d: ReturnType<typeof decide>, offerId: string) =>
  d.rejected.find((r) => r.offerId === offerId);

describe('decide', () => {
  it('is deterministic: same run and customer ⇒ the same decision; the seed is stableId(run, customer)', () => {
    const c = ctx();
    const a = decide(testCustomer('c1'), c);
    expect(decide(testCustomer('c1'), ctx())).toEqual(a);
    expect(a.seed).toMatch(/^seed_[0-9a-f]{24}$/);
    expect(decide(testCustomer('c1'), ctx(undefined, { runId: 'run-2' })).seed).not.toBe(a.seed);
    const samples = new Set(
      Array.from(
        { length: 20 },
        (_, i) => decide(testCustomer('c1'), ctx(undefined, { runId: `r${i}` })).offers[0]?.sample,
      ),
    );
    expect(samples.size).toBeGreaterThan(1); // other runs draw afresh
  });

  it('rejects on eligibility with the failing clause, on held products (trait or history)', () => {
    const poor = testCustomer('p', { traits: { age: 30, job: 'x', balance: 100, hasHousingLoan: true } });
    const d = decide(poor, ctx());
    expect(rejectedRule(d, 'deposit')).toMatchObject({ rule: 'eligibility', path: 'eligibility.and[0]' });
    expect(rejectedRule(d, 'mortgage')).toMatchObject({ rule: 'held', path: 'heldWhen' });
    expect(rejectedRule(d, 'card')).toMatchObject({ rule: 'eligibility', path: 'eligibility' });
    const history: CustomerHistory = { communications: [], declined: [], heldProducts: ['deposit'] };
    expect(rejectedRule(decide(testCustomer('h'), ctx(undefined, { history })), 'deposit')?.rule).toBe(
      'held',
    );
  });

  it('rejects offers outside their validity window and offers declined recently', () => {
    const catalog = testCatalog([
      testOffer('old', { validTo: '2026-01-31' }),
      testOffer('later', { validFrom: '2027-01-01' }),
      testOffer('declined'),
    ]);
    const history: CustomerHistory = {
      communications: [],
      declined: [{ offerId: 'declined', at: '2026-11-01T00:00:00Z' }],
      heldProducts: [],
    };
    const d = decide(testCustomer(), ctx(catalog, { history }));
    expect(d.rejected.map((r) => [r.offerId, r.rule])).toEqual([
      ['old', 'validity'],
      ['later', 'validity'],
      ['declined', 'declined'],
    ]);
    expect(d.offers).toEqual([]);
  });

  it('rejects an offer without content for the chosen channel', () => {
    const catalog = testCatalog([
      testOffer('print-only', {
        content: { print: { 'en-GB': { headline: 'h', body: 'b' }, 'zh-CN': { headline: 'h', body: 'b' } } },
      }),
    ]);
    const d = decide(testCustomer(), ctx(catalog));
    expect(d.channel).toBe('email');
    expect(rejectedRule(d, 'print-only')?.rule).toBe('channel-content');
  });

  it('fills the slots respecting exclusion groups, with scores, posteriors and propensities', () => {
    const catalog = testCatalog([
      testOffer('loan-a', { exclusionGroup: 'lending' }),
      testOffer('loan-b', { exclusionGroup: 'lending' }),
      testOffer('card'),
      testOffer('insurance'),
    ]);
    for (let i = 0; i < 30; i++) {
      const d = decide(testCustomer(`c${i}`), ctx(catalog));
      expect(d.offers).toHaveLength(2);
      const groups = d.offers.map((o) => o.exclusionGroup).filter((g) => g !== null);
      expect(new Set(groups).size).toBe(groups.length);
      expect(d.rejected.map((r) => r.rule).sort()).toEqual(
        d.offers.some((o) => o.exclusionGroup === 'lending')
          ? ['exclusion-group', 'slots']
          : ['slots', 'slots'],
      );
      for (const o of d.offers) {
        expect(o.propensity).toBeGreaterThan(0);
        expect(o.propensity).toBeLessThanOrEqual(1);
        expect(o.score).toBeCloseTo(o.sample, 10);
      }
    }
  });

  it('learned statistics move the ranking for the segment that has them', () => {
    const catalog = testCatalog([testOffer('a'), testOffer('b')]);
    const model = modelSnapshot([
      { offerId: 'a', segment: 'young|technician', exposures: 1000, successes: 10 },
      { offerId: 'b', segment: 'young|technician', exposures: 1000, successes: 400 },
    ]);
    const first = Array.from(
      { length: 20 },
      (_, i) => decide(testCustomer(`c${i}`), ctx(catalog, { model })).offers[0],
    );
    expect(first.every((o) => o?.offerId === 'b')).toBe(true);
    expect(first[0]?.posterior).toEqual({ alpha: 401, beta: 601 });
    expect(decide(testCustomer(), ctx(catalog, { model })).modelVersion).toBe(model.version);
  });

  it('holds out the control group: still sent, without offers, stable across runs', () => {
    const catalog = testCatalog(undefined, {
      communicationTypes: {
        ...testCatalog().communicationTypes,
        statement: { ...testCatalog().communicationTypes.statement!, holdout: 0.5 },
      },
    });
    const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
    const held = (runId: string) =>
      ids.filter((id) => decide(testCustomer(id), ctx(catalog, { runId })).holdout);
    const h1 = held('run-1');
    expect(h1.length).toBeGreaterThan(70);
    expect(h1.length).toBeLessThan(130);
    expect(held('run-2')).toEqual(h1);
    const d = decide(testCustomer(h1[0]), ctx(catalog));
    expect(d.channel).not.toBeNull();
    expect(d.offers).toEqual([]);
    expect(d.offersSuppressed?.rule).toBe('holdout');
    const treated = decide(testCustomer(ids.find((id) => !h1.includes(id))), ctx(catalog));
    expect(treated.offers[0]?.propensity).toBeLessThanOrEqual(0.5); // P(not held out) × P(slot)
  });

  it('suppresses marketing on the frequency cap across runs, do-not-contact, and no usable channel', () => {
    const promo = { communicationType: 'promotion' };
    const history: CustomerHistory = {
      communications: [
        { runId: 'old-1', at: '2026-11-05T10:00:00Z', purpose: 'marketing' },
        { runId: 'old-2', at: '2026-11-15T10:00:00Z', purpose: 'marketing' },
      ],
      declined: [],
      heldProducts: [],
    };
    const capped = decide(testCustomer(), ctx(undefined, { ...promo, history }));
    expect(capped.suppressed?.rule).toBe('frequency-cap');
    expect(capped.channel).toBeNull();
    expect(
      decide(testCustomer(), ctx(undefined, { ...promo, history, communicationType: 'statement' }))
        .suppressed,
    ).toBeNull();
    const dnc = testCustomer('d', { traits: { age: 30, doNotContact: true } });
    expect(decide(dnc, ctx(undefined, promo)).suppressed?.rule).toBe('do-not-contact');
    expect(decide(dnc, ctx()).offersSuppressed?.rule).toBe('do-not-contact');
    const unreachable = testCustomer('u', { email: null, phone: null, address: null });
    expect(decide(unreachable, ctx(undefined, promo)).suppressed?.rule).toBe('no-channel');
  });

  it('sends no marketing message without an offer, except to the holdout; service documents go anyway', () => {
    const promo = { communicationType: 'promotion' };
    const poor = testCustomer('p', { traits: { age: 60, job: 'x', balance: 100, hasHousingLoan: true } });
    const none = decide(poor, ctx(undefined, promo));
    expect(none.offers).toEqual([]);
    expect(none.suppressed).toEqual({
      rule: 'no-eligible-offer',
      reason: "none of the catalog's offers is eligible for the customer on the chosen channel",
    });
    expect(none.channel).toBeNull();
    expect(none.rejected.map((r) => r.rule).sort()).toEqual(['eligibility', 'eligibility', 'held']);
    expect(explainDecision(none).join('\n')).toContain('NOT SENT: no-eligible-offer');
    // The same customer still gets the statement (service), without offers.
    const statement = decide(poor, ctx());
    expect(statement.suppressed).toBeNull();
    expect(statement.offers).toEqual([]);
    // A customer with an eligible offer gets the promotion with it.
    const rich = decide(testCustomer('r'), ctx(undefined, promo));
    expect(rich.suppressed).toBeNull();
    expect(rich.offers).toHaveLength(1);
    // The control group is sent without offers, eligible or not.
    const held = testCatalog(undefined, {
      communicationTypes: {
        ...testCatalog().communicationTypes,
        promotion: { ...testCatalog().communicationTypes.promotion!, holdout: 1 },
      },
    });
    const control = decide(poor, ctx(held, promo));
    expect(control).toMatchObject({ holdout: true, suppressed: null, offers: [] });
    expect(control.channel).not.toBeNull();
    // A marketing type without offer slots can never carry an offer: nothing is sent.
    const noSlots = testCatalog(undefined, {
      communicationTypes: {
        ...testCatalog().communicationTypes,
        promotion: { ...testCatalog().communicationTypes.promotion!, offerSlots: 0 },
      },
    });
    expect(decide(testCustomer('r'), ctx(noSlots, promo)).suppressed?.rule).toBe('no-eligible-offer');
  });

  it('offers in a service document need marketing consent on its channel', () => {
    const c = testCustomer('m', {
      eDelivery: false,
      consent: {
        print: { service: true, marketing: false },
        email: { service: true, marketing: true },
        sms: { service: true, marketing: true },
      },
    });
    const d = decide(c, ctx());
    expect(d.channel).toBe('print');
    expect(d.offersSuppressed).toEqual({ rule: 'consent', reason: 'no marketing consent for print' });
  });

  it('keeps SMS quiet at night in the customer time zone (Asia/Shanghai) and falls back', () => {
    const shanghai = testCustomer('s', { timeZone: 'Asia/Shanghai', email: null });
    const london = testCustomer('l', { timeZone: 'Europe/London', email: null });
    const night = { communicationType: 'promotion', now: '2026-11-23T14:30:00Z' }; // 22:30 in Shanghai
    expect(decide(shanghai, ctx(undefined, night)).channel).toBe('print');
    expect(decide(london, ctx(undefined, night)).channel).toBe('sms');
  });

  it('names an unknown communication type', () => {
    expect(() => decide(testCustomer(), ctx(undefined, { communicationType: 'nope' }))).toThrow(MissiveError);
  });

  it('explains itself in words', () => {
    const text = explainDecision(decide(testCustomer(), ctx())).join('\n');
    expect(text).toContain('channel email: electronic delivery consented');
    expect(text).toMatch(/slot 1: \S+ score/);
  });

  it('a segment key and named segments come from the catalog definitions', () => {
    const d = decide(testCustomer() as Customer, ctx());
    expect(d.segment).toBe('young|technician');
    expect(d.segments).toEqual(['rich']);
  });
});
