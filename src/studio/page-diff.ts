import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { pdfPageToPng, pdfPageToPpm } from './pdf-png.ts';
import { pixelDiff } from './pixel-diff.ts';
import type { FileSet } from './refs.ts';
import { renderDraftChannel } from './render-draft.ts';
import { encodePng, parsePpm } from './rgb-image.ts';

/** How a version's first print page is rendered for the diff: the locale and the as-of date. */
export interface PageOptions {
  locale: string | undefined;
  asOf: string;
}

async function firstPagePdf(db: Kysely<Database>, set: FileSet, options: PageOptions): Promise<Uint8Array> {
  const { artifact } = await renderDraftChannel(
    db,
    { templateName: set.templateName, files: set.files, locale: options.locale, asOf: options.asOf },
    'print',
  );
  return artifact.bytes;
}

/** A version's (published or draft) first print page as a PNG, rendered with its sample data. */
export async function firstPagePng(
  db: Kysely<Database>,
  set: FileSet,
  options: PageOptions,
): Promise<Buffer> {
  return pdfPageToPng(await firstPagePdf(db, set, options), 1);
}

/**
 * Two versions' first print pages compared pixel by pixel: a PNG with the changed pixels marked
 * (src/studio/pixel-diff.ts) and how many changed. Both are rendered in parallel.
 */
export async function firstPagesPixelDiff(
  db: Kysely<Database>,
  a: FileSet,
  b: FileSet,
  options: PageOptions,
): Promise<{ png: Buffer; changed: number }> {
  const [pa, pb] = await Promise.all([
    firstPagePdf(db, a, options).then((pdf) => pdfPageToPpm(pdf, 1)),
    firstPagePdf(db, b, options).then((pdf) => pdfPageToPpm(pdf, 1)),
  ]);
  const { image, changed } = pixelDiff(parsePpm(pa), parsePpm(pb));
  return { png: await encodePng(image), changed };
}
