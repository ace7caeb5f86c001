import { describe, expect, it } from 'vitest';
import {
  toBoolean,
  toCountry,
  toDate,
  toEmail,
  toInteger,
  toLocale,
  toNumber,
  toPhone,
  toText,
  toTimeZone,
} from './coerce.ts';

const value = <T>(r: { ok: true; value: T } | { ok: false; reason: string }) =>
  r.ok ? r.value : `✗ ${r.reason}`;

describe('numbers', () => {
  it('reads decimal text and JSON numbers', () => {
    expect(value(toNumber('2143'))).toBe(2143);
    expect(value(toNumber('-0.5'))).toBe(-0.5);
    expect(value(toNumber('+.25'))).toBe(0.25);
    expect(value(toNumber('1e3'))).toBe(1000);
    expect(value(toNumber(12.5))).toBe(12.5);
  });

  it('refuses what is not a number, hinting at a decimal comma', () => {
    expect(value(toNumber('12abc'))).toBe('✗ not a number');
    expect(value(toNumber('1 000'))).toBe('✗ not a number');
    expect(value(toNumber('Infinity'))).toBe('✗ not a number');
    expect(value(toNumber(Number.NaN))).toBe('✗ not a finite number');
    expect(value(toNumber(true))).toBe('✗ not a number (got boolean)');
    expect(value(toNumber('1234,56'))).toMatch(/decimal comma/);
  });

  it('reads a decimal comma when told', () => {
    expect(value(toNumber('1234,56', ','))).toBe(1234.56);
    expect(value(toNumber('12.345,6', ','))).toBe('✗ not a number');
  });

  it('integers are whole and safe', () => {
    expect(value(toInteger('58'))).toBe(58);
    expect(value(toInteger('-1'))).toBe(-1);
    expect(value(toInteger('5.5'))).toBe('✗ not an integer');
    expect(value(toInteger('x'))).toBe('✗ not an integer');
    expect(value(toInteger('1e20'))).toBe('✗ not an integer');
  });
});

describe('booleans', () => {
  it('reads the default true and false words, any case', () => {
    for (const t of ['yes', 'Y', '1', 'TRUE', true]) expect(value(toBoolean(t))).toBe(true);
    for (const f of ['no', 'N', '0', 'false', false]) expect(value(toBoolean(f))).toBe(false);
  });

  it('uses the words given and names them when refusing', () => {
    expect(value(toBoolean('oui', ['oui'], ['non']))).toBe(true);
    expect(value(toBoolean('yes', ['oui'], ['non']))).toBe('✗ not a boolean (expected one of oui/non)');
    expect(value(toBoolean('maybe'))).toMatch(/^✗ not a boolean/);
  });
});

describe('dates', () => {
  it('reads the supported formats and returns ISO dates', () => {
    expect(value(toDate('2024-02-29'))).toBe('2024-02-29');
    expect(value(toDate('9/7/2018', 'DD/MM/YYYY'))).toBe('2018-07-09');
    expect(value(toDate('7/9/2018', 'MM/DD/YYYY'))).toBe('2018-07-09');
    expect(value(toDate('09.07.2018', 'DD.MM.YYYY'))).toBe('2018-07-09');
    expect(value(toDate('20180709', 'YYYYMMDD'))).toBe('2018-07-09');
  });

  it('refuses other shapes and dates not in the calendar', () => {
    expect(value(toDate('2023-02-29'))).toBe('✗ not a calendar date');
    expect(value(toDate('2023-13-01'))).toBe('✗ not a calendar date');
    expect(value(toDate('09/07/2018'))).toBe('✗ not a date (expected YYYY-MM-DD)');
  });
});

describe('contact points', () => {
  it('e-mail: plausible shape, domain lower-cased', () => {
    expect(value(toEmail('Margaret.Hughes@Example.COM'))).toBe('Margaret.Hughes@example.com');
    for (const bad of [
      'not-an-email',
      'a@b',
      'a@@b.com',
      '.a@b.com',
      'a..b@c.com',
      'a b@c.com',
      'a@-b.com',
    ]) {
      expect(value(toEmail(bad)), bad).toBe('✗ not a valid e-mail address');
    }
  });

  it('phone: E.164, separators dropped', () => {
    expect(value(toPhone('+44 7700 900123'))).toBe('+447700900123');
    expect(value(toPhone('+86 (138) 1234-5678'))).toBe('+8613812345678');
    expect(value(toPhone('07700 900123'))).toMatch(/needs \+ and the country code/);
    expect(value(toPhone('+0123456'))).toMatch(/^✗ not an E.164/);
    expect(value(toPhone('+1234567890123456'))).toMatch(/^✗ not an E.164/);
  });

  it('locale, time zone and country are checked and canonicalised', () => {
    expect(value(toLocale('en_gb'))).toBe('en-GB');
    expect(value(toLocale('zh-cn'))).toBe('zh-CN');
    expect(value(toLocale('not a locale!'))).toMatch(/^✗/);
    expect(value(toTimeZone('Asia/Shanghai'))).toBe('Asia/Shanghai');
    expect(value(toTimeZone('Mars/Olympus'))).toMatch(/^✗ not an IANA time zone/);
    expect(value(toCountry('gb'))).toBe('GB');
    expect(value(toCountry('GBR'))).toMatch(/^✗/);
  });
});

describe('text', () => {
  it('takes scalars, refuses objects and lists', () => {
    expect(value(toText(42))).toBe('42');
    expect(value(toText(false))).toBe('false');
    expect(value(toText({ a: 1 }))).toBe('✗ expected a single value, got object');
    expect(value(toText([1]))).toBe('✗ expected a single value, got a list');
  });
});
