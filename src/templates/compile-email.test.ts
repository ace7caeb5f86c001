import { describe, expect, it } from 'vitest';
import { channelPackage, TEST_EMAIL } from '../../test/support/test-channel-package.ts';
import { MissiveError } from '../core/errors.ts';
import { compileTemplate, compileTemplateAsync } from './compile.ts';
import { htmlToText } from './compile-email.ts';
import { restorePlaceholders } from './mjml.ts';

async function failure(fn: () => Promise<unknown>): Promise<MissiveError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof MissiveError) return error;
    throw error;
  }
  throw new Error('expected a MissiveError');
}

const compileWith = (overrides: Record<string, string | undefined>, manifest?: Record<string, unknown>) =>
  compileTemplateAsync(channelPackage(overrides, manifest));

const withBody = (body: string) =>
  `<mjml><mj-body><mj-section><mj-column>${body}</mj-column></mj-section></mj-body></mjml>`;

describe('compileEmail (MJML once, Handlebars kept)', () => {
  it('keeps placeholders through MJML, in text and in attributes such as href', async () => {
    const template = await compileWith({});
    const html = template.email?.html.source ?? '';
    expect(html).toContain('{{t &#39;greeting&#39;}}'.replace(/&#39;/g, "'"));
    expect(html).toContain('Note: {{note}}');
    expect(html).toMatch(/href="\{\{url\}\}"/);
    expect(html).toContain("<title>{{t 'email.subject'}}</title>");
    expect(html).not.toContain('msvph');
  });

  it('derives a plain-text part from the HTML, links as "label (url)"', async () => {
    const template = await compileWith({});
    expect(template.email?.text.source).toBe("{{t 'greeting'}}\n\nNote: {{note}}\n\nPay ({{url}})");
  });

  it('uses email.txt for the plain-text part when the package has one', async () => {
    const template = await compileWith({ 'email.txt': 'Text for {{customer.name}}\n' });
    expect(template.email?.text.source).toBe('Text for {{customer.name}}');
  });

  it('escapes literal {{ that MJML itself outputs, so Handlebars prints it as is', () => {
    const source = { masked: '', expressions: ['{{x}}'], lines: [1] };
    expect(restorePlaceholders('email.mjml', 'a {{ b msvph0hpvsm', source, true)).toBe('a \\{{ b {{x}}');
  });

  it('rejects unescaped output ({{{…}}} and {{&…}}) in email templates (S1)', async () => {
    for (const body of ['<mj-text>{{{customer.name}}}</mj-text>', '<mj-text>{{& customer.name}}</mj-text>']) {
      const error = await failure(() => compileWith({ 'email.mjml': withBody(body) }));
      expect(error.code).toBe('MSV_TEMPLATE_INVALID');
      expect(error.details.file).toBe('email.mjml');
      expect(error.message).toMatch(/unescaped output/);
    }
  });

  it('confines mj-include to the package folder (S2), also type="css", leaking nothing', async () => {
    const outside = [
      '<mj-include path="../../../../../../etc/passwd" type="css" />',
      '<mj-include path="/etc/passwd" type="css" css-inline="inline" />',
      '<mj-include path="partials/../../secret.mjml" />',
      '<mj-include path="file:///etc/passwd" type="html" />',
      "<mj-include path='..\\..\\etc\\passwd' />",
    ];
    for (const include of outside) {
      const error = await failure(() =>
        compileWith({ 'email.mjml': TEST_EMAIL.replace('<mj-body>', `<mj-body>${include}`) }),
      );
      expect(error.code).toBe('MSV_TEMPLATE_INVALID');
      expect(error.details.file).toBe('email.mjml');
      expect(error.message).toMatch(/inside the template package/);
      expect(error.message).not.toMatch(/root:|daemon:/);
    }
  });

  it('expands includes from the package itself: mjml fragments, css and nested paths', async () => {
    const template = await compileWith({
      'email.mjml': TEST_EMAIL.replace(
        '<mj-head>',
        '<mj-head><mj-include path="./parts/style.css" type="css" />',
      ).replace('<mj-body>', '<mj-body><mj-include path="parts/header.mjml" />'),
      'parts/style.css': '.brand { color: #0b6e4f; }',
      'parts/header.mjml':
        '<mj-section><mj-column><mj-text css-class="brand">Brand {{note}}</mj-text></mj-column></mj-section>',
    });
    expect(template.email?.html.source).toContain('Brand {{note}}');
    expect(template.email?.html.source).toContain('.brand { color: #0b6e4f; }');
  });

  it('an include of a file the package lacks names it', async () => {
    const error = await failure(() =>
      compileWith({
        'email.mjml': TEST_EMAIL.replace('<mj-body>', '<mj-body><mj-include path="nope.mjml" />'),
      }),
    );
    expect(error.message).toMatch(/mj-include "nope.mjml": no such file/);
  });

  it('refuses remote images (and images from the data); data: URIs are fine', async () => {
    const remote = await failure(() =>
      compileWith({ 'email.mjml': withBody('<mj-image src="https://tracker.example/p.gif" />') }),
    );
    expect(remote.code).toBe('MSV_TEMPLATE_INVALID');
    expect(remote.message).toMatch(/remote URL/);
    const fromData = await failure(() =>
      compileWith({ 'email.mjml': withBody('<mj-image src="{{url}}" />') }),
    );
    expect(fromData.message).toMatch(/comes from the data/);
    const background = await failure(() =>
      compileWith({
        'email.mjml':
          '<mjml><mj-body><mj-section background-url="//cdn.example/bg.png"><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
    );
    expect(background.message).toMatch(/remote URL/);
    const inline = await compileWith({
      'email.mjml': withBody('<mj-image src="data:image/png;base64,iVBORw0KGgo=" />'),
    });
    expect(inline.email?.html.source).toContain('data:image/png;base64');
  });

  it('names a t id the locale files lack, and a syntax error', async () => {
    const id = await failure(() =>
      compileWith({ 'email.mjml': withBody("<mj-text>{{t 'nope'}}</mj-text>") }),
    );
    expect(id.message).toMatch(/no string "nope"/);
    const syntax = await failure(() =>
      compileWith({ 'email.mjml': withBody('<mj-text>{{#if note}}</mj-text>') }),
    );
    expect(syntax.code).toBe('MSV_TEMPLATE_INVALID');
  });

  it('an expression MJML would drop is an error naming its line', async () => {
    const error = await failure(() =>
      compileWith({
        'email.mjml':
          '<mjml>\n<mj-body>\n<mj-section>{{note}}<mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
    );
    expect(error.code).toBe('MSV_TEMPLATE_INVALID');
    expect(error.details.line).toBe(3);
  });

  it('compileTemplate (sync) compiles SMS; email needs compileTemplateAsync', () => {
    const template = compileTemplate(channelPackage());
    expect(template.email).toBeUndefined();
    expect(template.sms?.body.source).toBe('Hi {{customer.name}}, {{note}}');
    expect(template.sms?.maxSegments).toBe(3);
  });

  it('a missing email.mjml or sms.hbs names the file', async () => {
    expect((await failure(() => compileWith({ 'email.mjml': undefined }))).details.file).toBe('email.mjml');
    expect((await failure(() => compileWith({ 'sms.hbs': undefined }))).details.file).toBe('sms.hbs');
  });
});

describe('htmlToText', () => {
  it('drops head, styles, comments and hidden preview; decodes entities', () => {
    const html =
      '<html><head><title>T</title><style>p{}</style></head><body><!--[if mso]>x<![endif]-->' +
      '<div style="display:none">preview</div><p>A &amp; B&nbsp;&#x4e2d;&#25991;</p><br/>' +
      '<table><tr><td>k</td><td>v</td></tr></table></body></html>';
    expect(htmlToText(html)).toBe('A & B 中文\n\nk v');
  });
});
