import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testBrandSource } from '../../test/support/test-brand.ts';
import { testPackageFiles } from '../../test/support/test-package.ts';
import { MissiveError } from '../core/errors.ts';
import { compileTemplate } from '../templates/heavy.ts';
import { loadTemplatePackage, templatePackageFromFiles } from '../templates/index.ts';
import { renderWebView } from './web-view.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const letter = (web: string | undefined) =>
  compileTemplate(templatePackageFromFiles('letter', testPackageFiles({ 'web.hbs': web })));

describe('web.hbs, the web view of a document', () => {
  it('is optional, and escapes every value: customer data is text, never markup', () => {
    expect(letter(undefined).web).toBeUndefined();
    const t = letter('<p class="ev">{{customer.name}}</p>');
    const html = renderWebView(
      t,
      { customer: { id: 'C1', name: '<img src=x onerror=alert(1)> & Sons' } },
      {
        locale: 'en-GB',
      },
    );
    expect(html).toBe('<p class="ev">&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; Sons</p>');
  });

  it.each([
    ['<script>alert(1)</script>'],
    ['<p onclick="x()">hi</p>'],
    ['<p style="color:red">hi</p>'],
    ['<a href="javascript:alert(1)">x</a>'],
    ['<iframe src="/x"></iframe>'],
  ])('refuses active content at compile: %s', (web) => {
    try {
      letter(web);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MissiveError);
      expect((err as MissiveError).code).toBe('MSV_TEMPLATE_INVALID');
      expect((err as MissiveError).message).toMatch(/web\.hbs.*markup and text only/);
    }
  });

  it.each(['monthly-statement', 'telecom-bill'])(
    '%s ships one that renders its sample in every locale',
    async (name) => {
      const pkg = await loadTemplatePackage(path.join(root, 'templates', name));
      const t = compileTemplate(pkg);
      const data = JSON.parse(pkg.files['sample-data.json']!);
      for (const locale of pkg.manifest.locales) {
        const brand = testBrandSource(name === 'telecom-bill' ? 'telco' : 'bank');
        const html = renderWebView(t, data, { locale, brand });
        expect(html).toContain(`<article class="ev" lang="${locale}">`);
        expect(html).toMatch(/<table class="ev-table">/);
      }
    },
  );
});
