import { describe, expect, it } from 'vitest';
import { hash32, seededRandom } from '../core/seeded-random.ts';
import { CHINESE_SHARE, synthesizeIdentity, syntheticIdentity } from './synthetic-identity.ts';

const ids = Array.from({ length: 20_000 }, (_, i) => String(i + 1));
const population = ids.map((id) => syntheticIdentity(id));

describe('syntheticIdentity', () => {
  it('is the same identity for the same id, always (pinned, so a change is noticed)', () => {
    expect(syntheticIdentity('1')).toEqual(syntheticIdentity('1'));
    expect(syntheticIdentity('1')).toEqual({
      culture: 'zh-CN',
      name: '胡梓萱',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      email: 'hu.zixuan1@example.net',
      phone: '+8616773067992',
      address: {
        lines: ['福田区科技园路707号', '20号楼1505室'],
        postalCode: '518048',
        city: '深圳市',
        country: 'CN',
      },
      consent: {
        print: { service: true, marketing: true },
        email: { service: true, marketing: false },
        sms: { service: true, marketing: true },
      },
      eDelivery: true,
    });
  });

  it('differs between ids and between seeds', () => {
    expect(syntheticIdentity('2')).not.toEqual(syntheticIdentity('3'));
    expect(syntheticIdentity('2', { seed: 'other' })).not.toEqual(syntheticIdentity('2'));
  });

  it('mixes about 40 % Chinese and 60 % British customers', () => {
    const chinese = population.filter((p) => p.culture === 'zh-CN').length / population.length;
    expect(chinese).toBeGreaterThan(CHINESE_SHARE - 0.02);
    expect(chinese).toBeLessThan(CHINESE_SHARE + 0.02);
  });

  it('gives Chinese customers Han names, +86 mobiles, Chinese addresses and 6-digit postal codes', () => {
    for (const p of population.filter((x) => x.culture === 'zh-CN').slice(0, 2000)) {
      expect(p.locale).toBe('zh-CN');
      expect(p.timeZone).toBe('Asia/Shanghai');
      expect(p.name).toMatch(/^\p{Script=Han}{2,4}$/u);
      expect(p.phone).toMatch(/^\+861[3-9]\d{9}$/);
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.net$/);
      expect(p.address.country).toBe('CN');
      expect(p.address.postalCode).toMatch(/^\d{6}$/);
      expect(p.address.city).toMatch(/^\p{Script=Han}+市$/u);
      expect(p.address.lines[0]).toMatch(/^\p{Script=Han}+\d+号$/u);
    }
  });

  it('gives British customers English names, +44 7 mobiles and UK postcodes', () => {
    for (const p of population.filter((x) => x.culture === 'en-GB').slice(0, 2000)) {
      expect(p.locale).toBe('en-GB');
      expect(p.timeZone).toBe('Europe/London');
      expect(p.name).toMatch(/^[A-Z][a-z]+ [A-Z][A-Za-z']+$/);
      expect(p.phone).toMatch(/^\+447\d{9}$/);
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.com$/);
      expect(p.address.country).toBe('GB');
      expect(p.address.postalCode).toMatch(/^[A-Z]{1,2}\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$/);
      expect(p.address.lines.at(-1)).toMatch(/^\d+ .+ [A-Z][a-z]+$/);
    }
  });

  it('only uses reserved e-mail domains, and numeric ids get unique phones and e-mails', () => {
    expect(population.every((p) => /@example\.(com|net)$/.test(p.email))).toBe(true);
    expect(new Set(population.map((p) => p.phone)).size).toBe(population.length);
    expect(new Set(population.map((p) => p.email)).size).toBe(population.length);
  });

  it('consents to service messages everywhere; marketing and e-delivery are mixed', () => {
    expect(
      population.every((p) => p.consent.print.service && p.consent.email.service && p.consent.sms.service),
    ).toBe(true);
    const share = (f: (p: (typeof population)[number]) => boolean) =>
      population.filter(f).length / population.length;
    expect(share((p) => p.consent.email.marketing)).toBeCloseTo(0.55, 1);
    expect(share((p) => p.consent.sms.marketing)).toBeCloseTo(0.35, 1);
    expect(share((p) => p.eDelivery)).toBeCloseTo(0.5, 1);
  });

  it('follows a locale the data already has', () => {
    expect(syntheticIdentity('1', { locale: 'en-GB' }).culture).toBe('en-GB');
    const zh = ids.slice(0, 200).map((id) => syntheticIdentity(id, { locale: 'zh-CN' }));
    expect(zh.every((p) => p.culture === 'zh-CN')).toBe(true);
  });

  it('works for ids that are not numbers', () => {
    const p = syntheticIdentity('cust-Ωmega');
    expect(p.email).toMatch(/\d{4}@example\.(com|net)$/);
    expect(syntheticIdentity('C000012').email).toMatch(/12@/);
  });

  it('synthesizeIdentity gives a customer record without traits', () => {
    const c = synthesizeIdentity('T0001');
    expect(c.id).toBe('T0001');
    expect(c).not.toHaveProperty('culture');
    expect(Object.keys(c).sort()).toEqual(
      ['address', 'consent', 'eDelivery', 'email', 'id', 'locale', 'name', 'phone', 'timeZone'].sort(),
    );
  });
});

describe('seededRandom', () => {
  it('repeats for the same keys and stays in range', () => {
    const a = seededRandom('x', 'y');
    const b = seededRandom('x', 'y');
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(seededRandom('xy').next()).not.toBe(seededRandom('x', 'y').next());
    expect(hash32('abc')).toBe(hash32('abc'));
  });
});
