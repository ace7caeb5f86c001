import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compileBrand, loadBrandSource } from '../templates/index.ts';
import { applyThemeForm, themeFormOf } from './brand-theme.ts';

const BRANDS = path.resolve(import.meta.dirname, '..', '..', 'brands');

describe('applyThemeForm', () => {
  it('changes the colours and fonts in brand.yaml, keeping its comments and other keys', async () => {
    const bank = await loadBrandSource(BRANDS, 'bank');
    const form = themeFormOf(bank);
    expect(form).toMatchObject({
      primary: '#0b3d6e',
      accent: '#2e7d50',
      heading: 'bold',
      logoFile: 'logo.png',
    });
    const next = applyThemeForm(bank, { ...form, primary: '#8a1538', email: 'Georgia, serif' });
    const yaml = next.files['brand.yaml']!;
    expect(yaml).toContain('primary: "#8a1538" # headings');
    expect(yaml).toContain('accent: "#2e7d50" # offer headlines');
    expect(yaml).toContain('email: "Georgia, serif"');
    expect(yaml).toContain("# The retail bank's brand");
    const before = YAML.parse(bank.files['brand.yaml']!) as Record<string, Record<string, unknown>>;
    expect(YAML.parse(yaml)).toEqual({
      ...before,
      colors: { ...before.colors, primary: '#8a1538' },
      fonts: { ...before.fonts, email: 'Georgia, serif' },
    });
    expect(next.sha256).not.toBe(bank.sha256);
    expect(compileBrand(next).colors.primary).toBe('#8a1538');
    expect(next.files['logo.png.b64']).toBe(bank.files['logo.png.b64']);
  });

  it('keeps the bytes of an unchanged form, and replaces the logo by the chosen image under its kind', async () => {
    const bank = await loadBrandSource(BRANDS, 'bank');
    expect(applyThemeForm(bank, themeFormOf(bank)).sha256).toBe(bank.sha256);
    const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#8a1538' } })
      .jpeg()
      .toBuffer();
    const next = applyThemeForm(bank, themeFormOf(bank), { kind: 'jpeg', bytes: jpeg });
    expect(Object.keys(next.files).sort()).toEqual(['brand.yaml', 'logo.jpg.b64', 'logo.svg']);
    expect(next.files['brand.yaml']).toContain('logo: { file: logo.jpg,');
    expect(compileBrand(next).logo).toMatchObject({ kind: 'jpeg', width: 20, height: 10 });
  });
});
