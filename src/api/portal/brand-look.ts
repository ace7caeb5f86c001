import type { CompiledBrand } from '../../templates/index.ts';

/**
 * The portal in the brand's look (issue 20): the brand's primary colour for the bar, buttons and
 * links (white text on it, as on the brand's own buttons), and its logo in the bar. Served as CSS
 * custom properties after portal.css (the CSP allows this server's stylesheets only, no inline
 * style), so the page's structure and contrast rules stay those of portal.css.
 */
export interface PortalBrandLook {
  /** The rules appended to portal.css. */
  css: string;
  logo: { bytes: Buffer; mediaType: string };
  /** The brand's name per locale, shown beside the logo. */
  name(locale: string): string;
}

const HEX = /^#[0-9a-f]{6}$/i;

export function portalBrandLook(brand: CompiledBrand): PortalBrandLook {
  const { primary, onAccent } = brand.colors;
  // Colours were checked when the brand compiled; a non-hex value would be no CSS at all.
  const rules =
    HEX.test(primary) && HEX.test(onAccent)
      ? `:root {\n  --brand: ${primary};\n  --brand-ink: ${onAccent};\n}\n`
      : '';
  return {
    css: `/* The brand: ${brand.source.id} */\n${rules}`,
    logo: {
      bytes: brand.logo.bytes,
      mediaType: brand.logo.kind === 'png' ? 'image/png' : 'image/jpeg',
    },
    name: (locale) => brand.view(locale).name,
  };
}
