import { MissiveError } from '../../core/errors.ts';
import { TemplateText } from '../handlebars/template-text.ts';
import { shareImages } from '../print-layout/images.ts';
import type { PrintLayout } from '../print-layout/schema.ts';
import { walk } from '../print-layout/walk.ts';
import { COLOR_TOKEN, FONT_TOKEN, type ThemeColor, type ThemeFont } from './brand-schema.ts';

/** What a layout's tokens resolve to: the brand's theme colours and print fonts. */
export interface Theme {
  /** The brand version: themed layouts are cached per layout and brand. */
  readonly sha256: string;
  readonly colors: Readonly<Record<ThemeColor, string>>;
  readonly fonts: Readonly<Record<ThemeFont, string>>;
}

const FONT_KEYS = new Set(['font', 'fonts']);
const themed = new WeakMap<PrintLayout, Map<string, PrintLayout>>();
const usesTokens = new WeakMap<PrintLayout, boolean>();

function isToken(value: unknown, key: PropertyKey | undefined, parentKey: PropertyKey | undefined): boolean {
  if (typeof value !== 'string') return false;
  if (COLOR_TOKEN.test(value)) return true;
  return FONT_TOKEN.test(value) && (FONT_KEYS.has(String(key)) || FONT_KEYS.has(String(parentKey)));
}

/** Whether the layout names any brand colour or font (a layout without tokens is drawn as it is). */
export function layoutUsesTheme(layout: PrintLayout): boolean {
  let uses = usesTokens.get(layout);
  if (uses === undefined) {
    uses = false;
    walk(layout, (value, path, key) => {
      if (isToken(value, key, path.at(-2))) uses = true;
    });
    usesTokens.set(layout, uses);
  }
  return uses;
}

function resolve(
  value: unknown,
  theme: Theme,
  key: PropertyKey | undefined,
  parentKey: PropertyKey | undefined,
): unknown {
  if (value instanceof TemplateText) return value; // compiled strings are shared, never copied
  if (Array.isArray(value)) return value.map((v, i) => resolve(v, theme, i, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, theme, k, key)]));
  }
  if (typeof value !== 'string') return value;
  const color = COLOR_TOKEN.exec(value)?.[1] as ThemeColor | undefined;
  if (color) return theme.colors[color];
  const font = FONT_TOKEN.exec(value)?.[1] as ThemeFont | undefined;
  if (font && (FONT_KEYS.has(String(key)) || FONT_KEYS.has(String(parentKey)))) return theme.fonts[font];
  return value;
}

/**
 * The layout with every `brand.<colour>` and `brand.heading` / `brand.body` replaced by the theme's
 * value; its checked images come along. Made once per layout and brand version (pure: the same
 * layout and brand give the same drawing). A layout without tokens is returned as it is, so template
 * versions written before brands render exactly the bytes they always did.
 */
export function themeLayout(layout: PrintLayout, theme: Theme | undefined): PrintLayout {
  if (!layoutUsesTheme(layout)) return layout;
  if (!theme) {
    throw new MissiveError(
      'MSV_BRAND_INVALID',
      'print.yaml names brand colours or fonts (brand.primary…) but the document is rendered without a brand',
      { file: 'print.yaml', field: 'brand' },
    );
  }
  let perBrand = themed.get(layout);
  if (!perBrand) {
    perBrand = new Map();
    themed.set(layout, perBrand);
  }
  let out = perBrand.get(theme.sha256);
  if (!out) {
    out = resolve(layout, theme, undefined, undefined) as PrintLayout;
    shareImages(layout, out);
    perBrand.set(theme.sha256, out);
  }
  return out;
}
