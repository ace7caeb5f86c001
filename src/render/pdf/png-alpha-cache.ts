import { createHash } from 'node:crypto';

/**
 * PNG images with an alpha channel (the brand's logo, offer images), decoded once per process
 * instead of once per document.
 *
 * pdfkit embeds an RGBA PNG by inflating its pixels, splitting colour from alpha and deflating both
 * again (`PNGImage.splitAlphaChannel`) — for every document, because its image registry lives in one
 * document. For the logo on every statement that was 10–15 % of a render (bench/README.md). No
 * option of pdfkit shares decoded images between documents, so this is written here: the first
 * document's split result (two deflated buffers, a pure function of the PNG's bytes) is kept, and
 * later documents reuse it.
 *
 * The bytes of the PDF stay exactly those pdfkit makes without the cache (old documents must replay
 * to the same sha256): pdfkit finishes the split in an asynchronous inflate callback, after the
 * synchronous drawing, and the soft-mask object's number depends on that — so a cached split also
 * completes on a later turn of the event loop (`setImmediate`), never synchronously.
 */

/** The part of pdfkit's PNGImage this module relies on (pdfkit ships no types for it). */
interface PdfkitPngImage {
  width: number;
  height: number;
  image: { hasAlphaChannel: boolean } | null;
  imgData: Uint8Array | null;
  alphaChannel?: Uint8Array;
  splitAlphaChannel(): unknown;
  finalize(): unknown;
}

/** pdfkit's `openImage` (absent from @types/pdfkit). */
interface OpensImages {
  openImage(src: Buffer): unknown;
}

interface SplitPng {
  imgData: Uint8Array;
  alphaChannel: Uint8Array;
}

/** A handful of distinct images per process (a brand's logo, a campaign's offer images). */
const MAX_ENTRIES = 64;
const splits = new Map<string, SplitPng>();
/** Images being split on the side, so a burst of documents starts one split, not one each. */
const pending = new Set<string>();

let enabled = true;

/** Turns the cache off and on (tests compare bytes both ways; the bench measures its worth). */
export function setPngSplitCacheEnabled(on: boolean): void {
  enabled = on;
}

const keyOf = (bytes: Buffer): string =>
  `${bytes.length}:${createHash('sha1').update(bytes).digest('base64')}`;

/**
 * `doc.image(bytes, x, y, options)`, with the image opened as pdfkit would (same label, same
 * objects) and, for a PNG with an alpha channel, the colour/alpha split served from the process's
 * cache.
 */
export function drawImageShared(
  doc: PDFKit.PDFDocument,
  bytes: Buffer,
  x: number,
  y: number,
  options: PDFKit.Mixins.ImageOption,
): void {
  // pdfkit's `image(src)` takes an opened image in place of bytes (it checks `src.width`); its
  // types know only bytes, paths and ArrayBuffers.
  const draw = (src: unknown) => doc.image(src as Buffer, x, y, options);
  draw(openShared(doc as unknown as OpensImages, bytes));
}

function openShared(doc: OpensImages, bytes: Buffer): PdfkitPngImage {
  const opened = doc.openImage(bytes) as PdfkitPngImage;
  // A JPEG, or a PNG pdfkit embeds without decoding, or the cache off.
  if (!enabled || !opened.image?.hasAlphaChannel) return opened;
  const key = keyOf(bytes);
  const hit = splits.get(key);
  if (hit) {
    opened.splitAlphaChannel = () =>
      setImmediate(() => {
        opened.imgData = hit.imgData;
        opened.alphaChannel = hit.alphaChannel;
        opened.finalize();
      });
    return opened;
  }
  // A miss: this document is made by pdfkit alone; a detached copy of the image is split on the
  // side (the same code, no document) and kept for the next documents.
  if (!pending.has(key)) {
    pending.add(key);
    const Image = opened.constructor as new (data: Buffer, label: string) => PdfkitPngImage;
    const detached = new Image(bytes, 'cache');
    detached.finalize = () => {
      pending.delete(key);
      if (!detached.imgData || !detached.alphaChannel) return;
      if (splits.size >= MAX_ENTRIES) splits.clear();
      splits.set(key, { imgData: detached.imgData, alphaChannel: detached.alphaChannel });
    };
    detached.splitAlphaChannel();
  }
  return opened;
}
