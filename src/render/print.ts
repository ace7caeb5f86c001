import { MissiveError } from '../core/errors.ts';
import type { Artifact } from '../core/types.ts';
import type { CompiledTemplate } from '../templates/heavy.ts';
import {
  type CompiledBrand,
  type DocumentData,
  type PrintLayout,
  type TemplateText,
  themeLayout,
  withBrand,
} from '../templates/index.ts';
import { makeArtifact } from './artifact.ts';
import type { BlockBox } from './pdf/block-map.ts';
import { withDeflateCache } from './pdf/deflate-cache.ts';
import { collectBytes, createPdfDocument } from './pdf/document.ts';
import { type FontFace, getFont, resetGlyphCaches } from './pdf/fonts.ts';
import { drawLayout } from './pdf/layout.ts';
import { preloadBaseGlyphs } from './pdf/subset-cache.ts';
import { Tagger } from './pdf/tagging.ts';

export interface PrintOptions {
  /** YYYY-MM-DD: fixes the PDF's dates and file ID. */
  asOf: string;
  /** One of the template's locales, e.g. zh-CN. */
  locale: string;
  /** The run's brand: `@brand` in texts, `brand.<colour>` in styles, logo blocks. */
  brand?: CompiledBrand | undefined;
  /** Filled with each body block's box per page (the studio's canvas); never changes the bytes. */
  blockMap?: BlockBox[] | undefined;
}

/** The fonts a layout's styles name (base defaults to `regular`), checked once per layout. */
const layoutFonts = new WeakMap<PrintLayout, readonly FontFace[]>();

function fontsOf(layout: PrintLayout): readonly FontFace[] {
  let faces = layoutFonts.get(layout);
  if (!faces) {
    const names = new Set([
      'regular',
      ...Object.values(layout.styles).flatMap((s) => [...(s.font ? [s.font] : []), ...(s.fonts ?? [])]),
    ]);
    faces = [...names].sort().map((name) => getFont(name));
    layoutFonts.set(layout, faces);
  }
  return faces;
}

/** Adds the customer id (never the name) to a render error, so a glyph error names the customer. */
function withCustomer(error: unknown, data: DocumentData): unknown {
  const customer = (data as { customer?: { id?: unknown } }).customer;
  if (!(error instanceof MissiveError) || typeof customer?.id !== 'string') return error;
  return new MissiveError(
    error.code,
    `${error.message} (customer ${customer.id})`,
    { ...error.details, customerId: customer.id },
    { cause: error },
  );
}

/**
 * Renders one printed document. Pure apart from reading the font files once per process: the same
 * template version, data, asOf and locale give the same bytes, in any process, in any order.
 */
export async function renderPrint(
  template: CompiledTemplate,
  data: DocumentData,
  options: PrintOptions,
): Promise<Artifact> {
  const unthemed = template.print;
  if (!unthemed) {
    throw new MissiveError('MSV_TEMPLATE_INVALID', `template ${template.name} has no print layout`, {
      file: 'manifest.json',
      field: 'channels',
    });
  }
  const layout = themeLayout(unthemed, options.brand);
  const runtime = withBrand(template.runtime(options.locale), options.brand?.view(options.locale));
  const checked = template.validateData(data);
  const fonts = fontsOf(layout);
  const meta = layout.document;
  const text = (t: TemplateText | undefined): string | undefined => t?.render(checked, runtime);
  // From createPdfDocument to doc.end() everything is synchronous: no other document can touch the
  // shared fonts, and the deflate cache's swap of zlib.deflateSync is seen by this document alone.
  const { bytes, pages } = withDeflateCache(() => {
    const doc = createPdfDocument({
      asOf: options.asOf,
      title: text(meta.title) ?? template.name,
      author: text(meta.author),
      subject: text(meta.subject),
      keywords: text(meta.keywords),
      lang: options.locale,
      pdfa: meta.pdfa,
      tagged: meta.tagged,
      fonts,
    });
    const collected = collectBytes(doc);
    resetGlyphCaches();
    preloadBaseGlyphs(doc, fonts);
    let drawn: number;
    try {
      const tags = meta.tagged ? new Tagger(doc, options.locale) : undefined;
      drawn = drawLayout(doc, layout, checked, runtime, options.brand, tags, options.blockMap);
    } catch (error) {
      doc.end();
      throw withCustomer(error, checked);
    }
    doc.end();
    return { bytes: collected, pages: drawn };
  });
  return makeArtifact(await bytes, 'application/pdf', { pages });
}
