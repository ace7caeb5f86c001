import { z } from 'zod';
import { block } from './blocks/index.ts';
import { styleSchema } from './style.ts';
import { templateField } from './template-field.ts';
import { length } from './units.ts';

/** Page sizes in points (width, height). */
export const PAGE_SIZES = {
  A4: [595.28, 841.89],
  A5: [419.53, 595.28],
  LETTER: [612, 792],
} as const satisfies Record<string, readonly [number, number]>;

/** A band at the top or bottom of every page: a fixed height the body never enters. */
const region = z.strictObject({ height: length, blocks: z.array(block) });
export type Region = z.output<typeof region>;

/** print.yaml. Lengths are points once parsed. */
export const printLayoutSchema = z.strictObject({
  /** PDF metadata (Handlebars, evaluated per document); the language is the render's locale. */
  document: z
    .strictObject({
      title: templateField.optional(),
      author: templateField.optional(),
      subject: templateField.optional(),
      keywords: templateField.optional(),
      /** PDF/A-2b (archival: embedded fonts, sRGB output intent, XMP metadata). On by default. */
      pdfa: z.boolean().default(true),
      /**
       * A tagged PDF for screen readers (PDF/UA-1, and PDF/A-2a instead of 2b): structure tree in
       * layout order, headings, tables, figures with alt text, furniture as artifacts, Lang per span.
       * Off by default, so template versions published before it render to the same bytes.
       */
      tagged: z.boolean().default(false),
    })
    .default({ pdfa: true, tagged: false }),
  page: z.strictObject({
    size: z.enum(Object.keys(PAGE_SIZES) as [keyof typeof PAGE_SIZES]),
    margins: z.strictObject({ top: length, right: length, bottom: length, left: length }),
  }),
  styles: z.record(z.string().regex(/^[A-Za-z][\w-]*$/), styleSchema).default({}),
  header: z.strictObject({ first: region, following: region.optional() }).optional(),
  footer: region.optional(),
  body: z.array(block).min(1),
});

export type PrintLayout = z.output<typeof printLayoutSchema>;
