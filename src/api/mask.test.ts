import { describe, expect, it } from 'vitest';
import { maskAccount, maskEmail, maskPans, maskPhone, maskTraits } from './mask.ts';

describe('masking personal data for lists and screens', () => {
  it('phones show the first 3 and last 4 national digits', () => {
    expect(maskPhone('+8613812345678')).toBe('138****5678');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+447700900123')).toBe('770****0123');
    expect(maskPhone('12345')).toBe('****45');
    expect(maskPhone(null)).toBeNull();
  });

  it('accounts show the last 4 digits only', () => {
    expect(maskAccount('6222021234561234')).toBe('**** 1234');
    expect(maskAccount('20-45-67 12345678')).toBe('**** 5678');
  });

  it('e-mail keeps its first letter and domain', () => {
    expect(maskEmail('zhang.wei@example.com')).toBe('z***@example.com');
    expect(maskEmail('x')).toBe('***');
  });

  it('card numbers keep at most BIN + last 4, grouped or not; shorter numbers are left alone', () => {
    expect(maskPans('card 4111111111111111 ok')).toBe('card 411111******1111 ok');
    expect(maskPans('4111 1111 1111 1111')).toBe('411111******1111');
    expect(maskPans('6222-0212-3456-7890-123')).toBe('622202*********0123');
    expect(maskPans('order 123456789012')).toBe('order 123456789012');
    const masked = maskPans('a 6222021234567890123 b 5500005555555559');
    expect(masked).not.toMatch(/\d{13,19}/);
  });

  it('traits: strings masked, numbers kept', () => {
    expect(maskTraits({ card: '4111111111111111', balance: 12 })).toEqual({
      card: '411111******1111',
      balance: 12,
    });
  });
});
