import fc from 'fast-check';
import Handlebars from 'handlebars';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, fuzzString, PAYLOAD_1495, PAYLOAD_1595 } from '../../test/fixtures/fuzz-merge-data.ts';
import { channelPackage } from '../../test/support/test-channel-package.ts';
import { MissiveError } from '../core/errors.ts';
import { type CompiledTemplate, compileTemplate, compileTemplateAsync } from '../templates/compile.ts';
import { decodeEmail, EMAIL_MIME, renderEmail } from './email.ts';

let template: CompiledTemplate;
beforeAll(async () => {
  template = await compileTemplateAsync(channelPackage());
});

const OPTIONS = { asOf: '2026-11-30', locale: 'en-GB' };
const email = (name: string, note = '', url = 'https://pay.example/x', locale = 'en-GB') =>
  renderEmail(template, { customer: { name }, note, url }, { ...OPTIONS, locale });
const escapeHtml = (s: string) => Handlebars.Utils.escapeExpression(s);

describe('renderEmail', () => {
  it('renders subject, escaped HTML and a plain-text part per locale', () => {
    const en = email('Jane <b>', 'a & b');
    expect(en.subject).toBe('Hello Jane <b>');
    expect(en.html).toContain('Dear Jane &lt;b&gt;,');
    expect(en.html).toContain('Note: a &amp; b');
    expect(en.html).toMatch(/href="https:\/\/pay.example\/x"/);
    expect(en.text).toBe('Dear Jane <b>,\n\nNote: a & b\n\nPay (https://pay.example/x)');
    const zh = email('王小明', '', 'u', 'zh-CN');
    expect(zh.subject).toBe('您好王小明');
    expect(zh.text).toContain('尊敬的王小明：');
  });

  it('the artifact is a deterministic framing of subject, html and text', () => {
    const a = email('Jane', 'x');
    const b = email('Jane', 'x');
    expect(a.artifact.sha256).toBe(b.artifact.sha256);
    expect(a.artifact.mime).toBe(EMAIL_MIME);
    expect(decodeEmail(a.artifact.bytes)).toEqual({
      subject: a.subject,
      html: a.html,
      text: a.text,
    });
    expect(a.sizeBytes).toBe(Buffer.byteLength(a.html));
    expect(a.warnings).toEqual([]);
  });

  it('inlining static locale strings per locale gives the same bytes as the helper calls', () => {
    const data = { customer: { name: 'A & <B>' }, note: 'n', url: 'u' };
    for (const locale of ['en-GB', 'zh-CN']) {
      const runtime = template.runtime(locale);
      const out = renderEmail(template, data, { ...OPTIONS, locale });
      expect(out.html).toBe(template.email?.html.render(data, runtime));
      expect(out.text).toBe(template.email?.text.render(data, runtime));
    }
  });

  it('folds CR/LF in the subject so data cannot add a header', () => {
    expect(email('X\r\nBcc: evil@example.com').subject).toBe('Hello X Bcc: evil@example.com');
  });

  it('warns when the HTML passes 102 KB (Gmail clipping)', () => {
    const big = email('Jane', 'x'.repeat(110 * 1024));
    expect(big.warnings[0]).toMatch(/Gmail clips/);
  });

  it('a missing variable names file and variable, never the data', () => {
    try {
      renderEmail(template, { customer: { name: 'Secret Name' }, url: 'u' }, OPTIONS);
      throw new Error('expected a MissiveError');
    } catch (error) {
      expect(error).toBeInstanceOf(MissiveError);
      const e = error as MissiveError;
      expect(e.code).toBe('MSV_TEMPLATE_VARIABLE_MISSING');
      expect(e.details.file).toBe('email.mjml');
      expect(e.details.variable).toBe('note');
      expect(e.message).not.toContain('Secret Name');
    }
  });

  it('compileTemplate (sync) has no email channel; renderEmail says to use compileTemplateAsync', () => {
    const sync = compileTemplate(channelPackage());
    expect(() => renderEmail(sync, { customer: { name: 'x' } }, OPTIONS)).toThrow(/compileTemplateAsync/);
  });

  it('handlebars.js #1495 and #1595 payloads passed as data render inert (S1)', () => {
    for (const payload of [PAYLOAD_1495, PAYLOAD_1595, "{{constructor.constructor('return process')()}}"]) {
      const out = email(payload, payload, payload);
      expect(out.html).toContain(`Note: ${escapeHtml(payload)}`);
      expect(out.text).toContain(`Note: ${payload}`);
      expect(out.subject).toBe(`Hello ${payload}`);
    }
    const polluted = JSON.parse(
      '{"customer":{"name":"x","__proto__":{"polluted":"yes"}},"note":"n","url":"u"}',
    );
    expect(renderEmail(template, polluted, OPTIONS).text).toContain('Dear x,');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`fuzz (B3): output escaped, data verbatim, only MissiveErrors (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fuzzString,
        fuzzString,
        fuzzString,
        fc.constantFrom('en-GB', 'zh-CN'),
        (name, note, url, locale) => {
          let out: ReturnType<typeof email>;
          try {
            out = email(name, note, url, locale);
          } catch (error) {
            expect(error).toBeInstanceOf(MissiveError);
            return;
          }
          expect(out.html).not.toMatch(/<script|<img/i);
          expect(out.html).toContain(`Note: ${escapeHtml(note)}`);
          expect(out.html).toContain(`href="${escapeHtml(url)}"`);
          expect(out.text).toContain(`Note: ${note}`);
          expect(out.subject).not.toMatch(/[\r\n]/);
          expect(out.artifact.size).toBe(out.artifact.bytes.byteLength);
          expect(decodeEmail(out.artifact.bytes).html).toBe(Buffer.from(out.html, 'utf8').toString('utf8'));
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
