import { describe, expect, it } from 'vitest';
import { testCustomer } from '../../test/support/test-catalog.ts';
import type { CommunicationType } from './catalog.ts';
import { chooseChannel } from './channel-policy.ts';

const statement: CommunicationType = {
  purpose: 'service',
  paperByLaw: true,
  channels: ['email', 'print'],
  offerSlots: 2,
  holdout: 0,
};
const promotion: CommunicationType = {
  purpose: 'marketing',
  paperByLaw: false,
  channels: ['email', 'sms', 'print'],
  offerSlots: 1,
  holdout: 0,
};

describe('channel policy', () => {
  it('puts documents the law wants on paper on print unless the customer chose e-delivery', () => {
    const paper = chooseChannel(testCustomer('a', { eDelivery: false }), statement, false);
    expect(paper.channel).toBe('print');
    expect(paper.reason).toMatch(/paper by law/);
    expect(chooseChannel(testCustomer('b', { eDelivery: true }), statement, false).channel).toBe('email');
  });

  it('falls back email → sms → print when a channel is unusable', () => {
    const noEmail = testCustomer('a', { email: 'not-an-email' });
    const choice = chooseChannel(noEmail, promotion, false);
    expect(choice.channel).toBe('sms');
    expect(choice.tried).toEqual([
      { channel: 'email', ok: false, reason: 'no valid e-mail address' },
      { channel: 'sms', ok: true, reason: 'usable' },
    ]);
    const noPhone = testCustomer('b', { email: null, phone: '0770 0900' });
    expect(chooseChannel(noPhone, promotion, false).channel).toBe('print');
    const nothing = testCustomer('c', { email: null, phone: null, address: null });
    expect(chooseChannel(nothing, promotion, false).channel).toBeNull();
  });

  it('needs consent for the purpose, and no SMS in quiet hours', () => {
    const c = testCustomer('a', {
      email: null,
      consent: {
        print: { service: true, marketing: false },
        email: { service: true, marketing: true },
        sms: { service: true, marketing: true },
      },
    });
    expect(chooseChannel(c, promotion, false).channel).toBe('sms');
    const quiet = chooseChannel(c, promotion, true);
    expect(quiet.channel).toBeNull();
    expect(quiet.tried.map((t) => t.reason)).toEqual([
      'no valid e-mail address',
      'quiet hours in the customer time zone',
      'no marketing consent for print',
    ]);
  });
});
