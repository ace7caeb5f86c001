import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { Artifact } from '../core/types.ts';
import type { BlockBox } from '../render/heavy.ts';
import type { Database } from '../store/index.ts';
import { PAGE_SIZES } from '../templates/index.ts';
import { type TextBlockView, textBlocksOf, withMissingFilled } from './block-edits.ts';
import { pageFingerprint } from './page-fingerprint.ts';
import { pdfPageToPng } from './pdf-png.ts';
import { compileDraft, type DraftPreviewRequest, draftData, renderDraftPrint } from './render-draft.ts';

/** What the canvas view draws: the pages (images at screen resolution) and a box per body block. */
export interface DraftCanvas {
  locale: string;
  locales: string[];
  pages: number;
  /** Page size in points (the boxes are in points from its top-left corner). */
  pageWidth: number;
  pageHeight: number;
  boxes: BlockBox[];
  /** The body's text blocks, by path, with their strings in every locale. */
  texts: Record<string, TextBlockView>;
  /** Each body block's type, by path (`text`, `table`, …). */
  types: Record<string, string>;
}

/**
 * Renders a draft's print document with the block map (the same render as its proofs, same bytes)
 * and reads its text blocks' strings. Render errors propagate (the page shows them).
 */
export async function draftCanvas(db: Kysely<Database>, req: DraftPreviewRequest): Promise<DraftCanvas> {
  // A missing translation is drawn from another locale and shown as a badge on its block.
  const files = withMissingFilled(req.files);
  const template = await compileDraft(req.templateName, files, 'print');
  const layout = template.print;
  if (!layout) {
    throw new MissiveError('MSV_TEMPLATE_INVALID', `template ${template.name} has no print layout`, {
      file: 'manifest.json',
      field: 'channels',
    });
  }
  const { locale } = await draftData(db, template, { ...req, files });
  const { artifact, boxes } = await renderDraftPrint(db, { ...req, files });
  // The page will ask for its images next: start them now, beside the page's HTML (see pageImage).
  for (let page = 1; page <= (artifact.pages ?? 0); page++)
    pageImage(artifact, page, CANVAS_DPI * lastScale).catch(() => {}); // the image's GET reports it
  const [pageWidth, pageHeight] = PAGE_SIZES[layout.page.size];
  const texts = Object.fromEntries(textBlocksOf(req.files).map((b) => [b.path, b]));
  const types = Object.fromEntries(layout.body.map((b, i) => [`body[${i}]`, b.type]));
  return {
    locale,
    locales: [...template.manifest.locales],
    pages: artifact.pages ?? 0,
    pageWidth,
    pageHeight,
    boxes,
    texts,
    types,
  };
}

/**
 * The canvas shows pages at screen resolution: 96 dpi is one image pixel per CSS pixel for a page
 * drawn at its real size (A4: 794 px, the canvas column is at most 820 px), and `scale` 2 serves
 * high-density screens (the page's srcset). The proofs keep their 150 dpi for zooming in.
 */
export const CANVAS_DPI = 96;
export const CANVAS_SCALES = [1, 2] as const;
export type CanvasScale = (typeof CANVAS_SCALES)[number];

/**
 * Page `page` of the canvas's document as a PNG at screen resolution × `scale`: the same render as
 * draftCanvas (kept by renderDraftPrint, so the canvas and its images render once), drawn even when a
 * translation is missing. Undefined when the document has no such page.
 */
export async function canvasPagePng(
  db: Kysely<Database>,
  req: DraftPreviewRequest,
  page: number,
  scale: CanvasScale = 1,
): Promise<Buffer | undefined> {
  const { artifact } = await renderDraftPrint(db, { ...req, files: withMissingFilled(req.files) });
  if (page < 1 || page > (artifact.pages ?? 0)) return undefined;
  lastScale = scale;
  return pageImage(artifact, page, CANVAS_DPI * scale);
}

/** The scale the canvas's images were last asked at (a high-density screen asks for 2); draftCanvas starts it. */
let lastScale: CanvasScale = 1;

/** Canvas page images by what the page looks like (pageFingerprint) and resolution, newest kept. */
const pageImages = new Map<string, Promise<Buffer>>();
const PAGE_IMAGES = 24;

/**
 * Page `page` of a rendered draft as a PNG at `dpi`, kept by the page's fingerprint: draftCanvas
 * starts every page's image as soon as it has rendered, so the page's image requests find them ready
 * or on their way, and a page that an edit did not change (same fingerprint) is not rasterised again
 * — an edit of the statement's intro rasterises its first page only. A PDF the fingerprint cannot
 * read is kept by its whole hash.
 */
function pageImage(artifact: Artifact, page: number, dpi: number): Promise<Buffer> {
  const key = `${pageFingerprint(artifact.bytes, page) ?? `${artifact.sha256}#${page}`}@${dpi}`;
  let image = pageImages.get(key);
  if (image) {
    pageImages.delete(key); // most recently used last
  } else {
    const made = pdfPageToPng(artifact.bytes, page, dpi);
    made.catch(() => pageImages.get(key) === made && pageImages.delete(key));
    image = made;
  }
  pageImages.set(key, image);
  if (pageImages.size > PAGE_IMAGES) pageImages.delete(pageImages.keys().next().value!);
  return image;
}
