import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanSentence } from './did-you-mean.ts';

describe('did you mean', () => {
  const templates = ['monthly-statement', 'telecom-bill', 'payment-reminder', 'insurance-cross-sell'];

  it('finds a slip of one or two letters, or a third of a long name', () => {
    expect(didYouMean('monthly-statment', templates)).toBe('monthly-statement');
    expect(didYouMean('telecom-bil', templates)).toBe('telecom-bill');
    expect(didYouMean('Payment-Reminder', templates)).toBe('payment-reminder');
    expect(didYouMean('bnk', ['bank', 'telco'])).toBe('bank');
    expect(didYouMean('lst', ['list', 'show'])).toBe('list');
  });

  it('says nothing when no name is close, or nothing is known', () => {
    expect(didYouMean('quarterly-newsletter', templates)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
    expect(didYouMean('', templates)).toBeUndefined();
    expect(didYouMeanSentence('zzz', templates)).toBe('');
    expect(didYouMeanSentence('telecom-bil', templates)).toBe(' Did you mean telecom-bill?');
  });
});
