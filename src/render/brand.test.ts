import { describe, expect, it } from 'vitest';
import { testBrand, testBrandSource } from '../../test/support/test-brand.ts';
import { channelPackage } from '../../test/support/test-channel-package.ts';
import { testPackageFiles } from '../../test/support/test-package.ts';
import { THEME_COLORS } from '../templates/brand/brand-schema.ts';
import {
  brandSourceFromFiles,
  decodeBrandSource,
  encodeBrandSource,
} from '../templates/brand/brand-source.ts';
import { compileBrand } from '../templates/brand/compile-brand.ts';
import { layoutUsesTheme, themeLayout } from '../templates/brand/theme-layout.ts';
import { compileTemplate, compileTemplateAsync } from '../templates/compile.ts';
import type { TemplateText } from '../templates/handlebars/template-text.ts';
import { templatePackageFromFiles } from '../templates/package-loader.ts';
import { parsePrintLayout } from '../templates/print-layout/parse.ts';
import { decodeEmail, renderEmail } from './email.ts';
import { renderPrint } from './print.ts';

describe('brands', () => {
  it('ship a bank and a telecom brand, each with a checked logo and texts per locale', () => {
    const bank = testBrand('bank');
    const telco = testBrand('telco');
    expect(bank.view('en-GB')).toMatchObject({
      name: 'Missive Bank',
      sender: { address: 'news@bank.example' },
    });
    expect(bank.view('zh-CN').name).toBe('米思芙银行');
    expect(telco.view('en-GB')).toMatchObject({ name: 'Missive Mobile', colors: { primary: '#6b2c91' } });
    expect(telco.view('fr-FR').name).toBe('Missive Mobile'); // a locale without its own text takes the first
    for (const brand of [bank, telco]) {
      expect(brand.logo.kind).toBe('png');
      expect(brand.view('en-GB').logo.src).toMatch(/^data:image\/png;base64,/);
    }
  });

  it('are identified by the sha256 of their canonical text, which round-trips', () => {
    const source = testBrandSource('bank');
    const again = brandSourceFromFiles('bank', { ...source.files });
    expect(again.sha256).toBe(source.sha256);
    expect(decodeBrandSource(encodeBrandSource(source.id, source.files)).sha256).toBe(source.sha256);
    const changed = brandSourceFromFiles('bank', {
      ...source.files,
      'brand.yaml': `${source.files['brand.yaml']}\n`,
    });
    expect(changed.sha256).not.toBe(source.sha256);
  });

  it('name every problem of brand.yaml and a missing logo (MSV_BRAND_INVALID)', () => {
    const files = { ...testBrandSource('bank').files };
    const bad =
      (yaml: string, extra: Record<string, string> = {}) =>
      () =>
        compileBrand(brandSourceFromFiles('bad', { ...files, 'brand.yaml': yaml, ...extra }));
    const yaml = files['brand.yaml']!;
    expect(bad(yaml.replace('primary: "#0b3d6e"', 'primary: navy'))).toThrow(/colors\.primary/);
    expect(bad(yaml.replace('address: news@bank.example', 'address: nobody'))).toThrow(/sender\.address/);
    expect(bad(yaml.replace('file: logo.png', 'file: missing.png'))).toThrow(
      expect.objectContaining({
        code: 'MSV_BRAND_INVALID',
        message: expect.stringMatching(/missing\.png\.b64/),
      }),
    );
  });

  it('print.yaml colour tokens are exactly the theme colours', () => {
    for (const color of THEME_COLORS) {
      expect(() =>
        parsePrintLayout(`page: { size: A4, margins: { top: 1, right: 1, bottom: 1, left: 1 } }
styles: { base: { color: brand.${color} } }
body: [{ type: rule, color: brand.${color} }]`),
      ).not.toThrow();
    }
    expect(() =>
      parsePrintLayout(`page: { size: A4, margins: { top: 1, right: 1, bottom: 1, left: 1 } }
body: [{ type: rule, color: brand.pink }]`),
    ).toThrow(/brand colour/);
  });

  it('theme a layout once per brand, sharing compiled strings; a layout without tokens stays itself', () => {
    const { layout } = parsePrintLayout(`page: { size: A4, margins: { top: 1, right: 1, bottom: 1, left: 1 } }
styles: { base: { font: brand.body, color: brand.text }, h: { fonts: [brand.heading, symbols] } }
body: [{ type: text, text: "{{x}}", style: h }, { type: rule, color: brand.line }]`);
    const bank = testBrand('bank');
    const themed = themeLayout(layout, bank);
    expect(themed.styles.base).toEqual({ font: 'regular', color: '#1f2933' });
    expect(themed.styles.h?.fonts).toEqual(['bold', 'symbols']);
    expect(themed.body[1]).toMatchObject({ color: '#c5d2e0' });
    expect((themed.body[0] as { text: TemplateText }).text).toBe(
      (layout.body[0] as { text: TemplateText }).text,
    );
    expect(themeLayout(layout, bank)).toBe(themed);
    expect(themeLayout(layout, testBrand('telco')).body[1]).toMatchObject({ color: '#c4a7d7' });
    expect(() => themeLayout(layout, undefined)).toThrow(
      expect.objectContaining({ code: 'MSV_BRAND_INVALID' }),
    );
    const plain = parsePrintLayout(`page: { size: A4, margins: { top: 1, right: 1, bottom: 1, left: 1 } }
body: [{ type: rule, color: "#000000" }]`).layout;
    expect(layoutUsesTheme(plain)).toBe(false);
    expect(themeLayout(plain, undefined)).toBe(plain);
  });

  it('a print render is deterministic per brand, and differs between brands', async () => {
    const pkg = templatePackageFromFiles(
      'letter',
      testPackageFiles({
        'print.yaml': `page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }
styles: { title: { font: brand.heading, color: brand.primary } }
body:
  - { type: logo, height: 10mm }
  - { type: text, text: "{{@brand.name}}: {{customer.name}}", style: title }`,
      }),
    );
    const template = compileTemplate(pkg);
    const data = { customer: { name: 'Ann' } };
    const render = (name: string) =>
      renderPrint(template, data, { asOf: '2026-10-31', locale: 'en-GB', brand: testBrand(name) });
    const [a, b, c] = await Promise.all([render('bank'), render('bank'), render('telco')]);
    expect(a.sha256).toBe(b.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    await expect(renderPrint(template, data, { asOf: '2026-10-31', locale: 'en-GB' })).rejects.toMatchObject({
      code: 'MSV_BRAND_INVALID',
    });
  });

  it('e-mails carry lang, the brand and its sender; without a brand, the earlier format', async () => {
    const email = `<mjml lang="{{@locale}}"><mj-body background-color="{{@brand.colors.background}}"><mj-section><mj-column>
<mj-image src="{{@brand.logo.src}}" alt="{{@brand.logo.alt}}" />
<mj-text color="{{@brand.colors.primary}}">{{@brand.name}} · {{t 'greeting'}}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;
    const template = await compileTemplateAsync(channelPackage({ 'email.mjml': email }));
    const data = { customer: { name: 'Ann' } };
    const out = renderEmail(template, data, {
      asOf: '2026-10-31',
      locale: 'zh-CN',
      brand: testBrand('telco'),
    });
    expect(out.html).toMatch(/<html lang="zh-CN"/);
    expect(out.html).toContain('Missive 移动');
    expect(out.html).toContain('#6b2c91');
    expect(decodeEmail(out.artifact.bytes)).toMatchObject({
      fromName: 'Missive 移动',
      fromAddress: 'offers@missive-mobile.example',
      replyTo: 'care@missive-mobile.example',
    });
    // A service e-mail (a bill) goes out from the brand's service sender, a marketing one from its
    // marketing sender; the Reply-To is the brand's either way.
    const from = (purpose: 'service' | 'marketing') =>
      decodeEmail(
        renderEmail(template, data, {
          asOf: '2026-10-31',
          locale: 'en-GB',
          brand: testBrand('telco'),
          purpose,
        }).artifact.bytes,
      );
    expect(from('service')).toMatchObject({
      fromName: 'Missive Mobile',
      fromAddress: 'billing@missive-mobile.example',
      replyTo: 'care@missive-mobile.example',
    });
    expect(from('marketing').fromAddress).toBe('offers@missive-mobile.example');
    expect(testBrand('bank').view('en-GB').serviceSender.address).toBe('statements@bank.example');
    // A brand without a service sender sends both from its one sender.
    const bank = testBrandSource('bank');
    const yaml = (bank.files['brand.yaml'] ?? '').replace(/^serviceSender:[^\n]*\n( {2}.*\n)+/m, '');
    const single = compileBrand(brandSourceFromFiles('bank', { ...bank.files, 'brand.yaml': yaml }));
    expect(single.view('en-GB').serviceSender).toEqual(single.view('en-GB').sender);
    expect(() => renderEmail(template, data, { asOf: '2026-10-31', locale: 'zh-CN' })).toThrow(
      expect.objectContaining({ code: 'MSV_BRAND_INVALID' }),
    );
    const plain = await compileTemplateAsync(channelPackage());
    const old = renderEmail(
      plain,
      { ...data, note: 'n', url: 'https://x.example' },
      { asOf: '2026-10-31', locale: 'en-GB' },
    );
    expect(Buffer.from(old.artifact.bytes).toString('utf8')).toMatch(/^missive-email 1\n/);
  });

  it('e-mail images: the brand logo and package images the data names; never a colour or image from the data', async () => {
    const withData = (body: string) =>
      compileTemplateAsync(
        channelPackage({
          'email.mjml': `<mjml><mj-body><mj-section><mj-column>${body}<mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>`,
        }),
      );
    await expect(withData('<mj-image src="{{image note}}" />')).resolves.toBeDefined();
    await expect(withData('<mj-image src="{{note}}" />')).rejects.toThrow(/images must be in the package/);
    await expect(withData('<mj-text color="{{note}}">y</mj-text>')).rejects.toThrow(/invalid value/);
  });
});
