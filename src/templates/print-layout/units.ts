import { z } from 'zod';

const PT_PER = { pt: 1, mm: 72 / 25.4, cm: 72 / 2.54, in: 72 } as const;
const LENGTH = /^(\d+(?:\.\d+)?)\s*(pt|mm|cm|in)$/;

/** A length in points from `20mm`, `1.5cm`, `10pt`, `1in` or a plain number of points. */
export function toPoints(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = LENGTH.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * PT_PER[m[2] as keyof typeof PT_PER];
}

/** A non-negative length, parsed to points. */
export const length = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const pt = toPoints(value);
  if (pt === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a length such as 20mm, 1.5cm, 10pt or 1in' });
    return z.NEVER;
  }
  return pt;
});

/** A column width: a fixed length, or a share of what is left (`*`, `2*`). */
export type Width = { readonly fixed: number } | { readonly flex: number };

export const width = z.union([z.number(), z.string()]).transform((value, ctx): Width => {
  const flex = typeof value === 'string' ? /^(\d+(?:\.\d+)?)?\*$/.exec(value.trim()) : null;
  if (flex) return { flex: flex[1] === undefined ? 1 : Number(flex[1]) };
  const pt = toPoints(value);
  if (pt === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a length (24mm) or a share of the rest (*, 2*)' });
    return z.NEVER;
  }
  return { fixed: pt };
});

/**
 * A colour: `#0b3d6e`, or a theme colour of the run's brand, `brand.primary` (see
 * src/templates/brand/brand-schema.ts THEME_COLORS), resolved at render by theme-layout.ts.
 */
export const color = z
  .string()
  .regex(
    /^(#[0-9a-fA-F]{6}|brand\.(primary|accent|text|muted|background|surface|line|panel|tint|zebra|onAccent))$/,
    'expected a colour such as #0b3d6e or a brand colour such as brand.primary',
  );

export const align = z.enum(['left', 'center', 'right', 'justify']);
export type Align = z.output<typeof align>;

/** Splits `total` between widths: fixed ones first, flexible ones share the rest. */
export function resolveWidths(widths: readonly Width[], total: number): number[] {
  const fixed = widths.reduce((sum, w) => sum + ('fixed' in w ? w.fixed : 0), 0);
  const shares = widths.reduce((sum, w) => sum + ('flex' in w ? w.flex : 0), 0);
  const rest = Math.max(0, total - fixed);
  return widths.map((w) => ('fixed' in w ? w.fixed : shares === 0 ? 0 : (rest * w.flex) / shares));
}
