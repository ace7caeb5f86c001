import { z } from 'zod';
import { color } from './units.ts';

/** A named text style. Anything left out comes from `styles.base`, then from DEFAULT_STYLE. */
export const styleSchema = z.strictObject({
  font: z.string().min(1).optional(),
  /** A fallback chain: each character is drawn in the first of these fonts that has its glyph. */
  fonts: z.array(z.string().min(1)).min(1).max(6).optional(),
  size: z.number().positive().max(200).optional(),
  color: color.optional(),
  lineGap: z.number().min(0).max(50).optional(),
});

export type StyleSpec = z.output<typeof styleSchema>;

export interface ResolvedStyle {
  /** The main font: measured text and anything every font has use it. */
  readonly font: string;
  /** Fonts tried in order for characters `font` has no glyph for. */
  readonly fallback: readonly string[];
  readonly size: number;
  readonly color: string;
  readonly lineGap: number;
}

export const DEFAULT_STYLE: ResolvedStyle = {
  font: 'regular',
  fallback: [],
  size: 9,
  color: '#000000',
  lineGap: 0,
};

/** base ⊕ each named style in order; unknown names were already rejected by the layout parser. */
export function resolveStyle(
  styles: Readonly<Record<string, StyleSpec>>,
  names: string | readonly string[] | undefined,
  inherited: ResolvedStyle = DEFAULT_STYLE,
): ResolvedStyle {
  let out: ResolvedStyle = inherited;
  const list = names === undefined ? [] : typeof names === 'string' ? [names] : names;
  for (const name of list) {
    const spec = styles[name];
    if (!spec) continue;
    const { fonts, ...rest } = spec;
    out = { ...out, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    if (fonts) out = { ...out, font: fonts[0] ?? out.font, fallback: fonts.slice(1) };
  }
  return out;
}
