import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS, fuzzString, PAYLOAD_1495, PAYLOAD_1595 } from '../../test/fixtures/fuzz-merge-data.ts';
import { channelPackage } from '../../test/support/test-channel-package.ts';
import { MissiveError } from '../core/errors.ts';
import { compileTemplate } from '../templates/compile.ts';
import { renderSms } from './sms.ts';
import { splitSms } from './sms-segments.ts';

const template = compileTemplate(channelPackage());
const sms = (name: string, note = '', locale = 'en-GB') =>
  renderSms(template, { customer: { name }, note }, { locale });

describe('renderSms', () => {
  it('renders plain text, no HTML escaping, with encoding, segments and a text/plain artifact', () => {
    const out = sms('Smith & Sons <ltd>', 'due "soon"');
    expect(out.text).toBe('Hi Smith & Sons <ltd>, due "soon"');
    expect(out.encoding).toBe('GSM-7');
    expect(out.segments).toBe(1);
    expect(out.artifact.mime).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(out.artifact.bytes).toString('utf8')).toBe(out.text);
    expect(out.artifact.segments).toBe(1);
    expect(out.warnings).toEqual([]);
  });

  it('keeps CR/LF from the data in the body (both are GSM-7)', () => {
    const out = sms('Jane', 'line one\r\nline two\n');
    expect(out.text).toBe('Hi Jane, line one\r\nline two\n');
    expect(out.encoding).toBe('GSM-7');
    expect(out.units).toBe(out.text.length);
  });

  it('a Chinese message is UCS-2 and counts 67 per part', () => {
    const out = sms('王小明', '中'.repeat(70));
    expect(out.encoding).toBe('UCS-2');
    expect(out.units).toBe(out.text.length);
    expect(out.segments).toBe(2);
  });

  it('warns past the manifest segment limit (default 3, configurable)', () => {
    expect(sms('x', 'a'.repeat(153 * 3 - 6)).warnings).toEqual([]); // 'Hi x, ' is 6
    expect(sms('x', 'a'.repeat(153 * 3 - 5)).warnings[0]).toMatch(/4 parts .* exceed sms.maxSegments 3/);
    const one = compileTemplate(channelPackage({}, { sms: { maxSegments: 1 } }));
    const out = renderSms(one, { customer: { name: 'x' }, note: 'a'.repeat(200) }, { locale: 'en-GB' });
    expect(out.warnings).toHaveLength(1);
  });

  it('same input, same bytes', () => {
    expect(sms('Jane', 'x').artifact.sha256).toBe(sms('Jane', 'x').artifact.sha256);
  });

  it('a missing variable or a bad locale is a MissiveError', () => {
    expect(() => renderSms(template, { customer: { name: 'x' } }, { locale: 'en-GB' })).toThrow(MissiveError);
    expect(() => sms('x', '', 'fr-FR')).toThrow(/no locale fr-FR/);
  });

  it('handlebars.js #1495 and #1595 payloads passed as data render inert (S1)', () => {
    for (const payload of [PAYLOAD_1495, PAYLOAD_1595, "{{constructor.constructor('return process')()}}"]) {
      expect(sms(payload, payload).text).toBe(`Hi ${payload}, ${payload}`);
    }
    const polluted = JSON.parse('{"customer":{"name":"x","__proto__":{"polluted":"yes"}},"note":"n"}');
    expect(renderSms(template, polluted, { locale: 'en-GB' }).text).toBe('Hi x, n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`fuzz (B3): any merge data gives the data verbatim or a MissiveError (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fuzzString, fuzzString, fc.constantFrom('en-GB', 'zh-CN'), (name, note, locale) => {
        let out: ReturnType<typeof sms>;
        try {
          out = sms(name, note, locale);
        } catch (error) {
          expect(error).toBeInstanceOf(MissiveError);
          return;
        }
        expect(out.text).toBe(`Hi ${name}, ${note}`);
        expect(out.segments).toBe(splitSms(out.text).parts.length);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
