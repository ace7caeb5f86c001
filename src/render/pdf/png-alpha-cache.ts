import { createHash } from 'node:crypto';
import { InvariantError } from '../../core/invariant.ts';

/**
 * PNG images with an alpha channel (the brand's logo, offer images), decoded once per process
 * instead of once per document.
 *
 * pdfkit embeds an RGBA PNG by inflating its pixels, splitting colour from alpha and deflating both
 * again (`PNGImage.splitAlphaChannel`) — for every document, because its image registry lives in one
 * document. For the logo on every statement that was most of the difference between 52 and 101
 * statements/s (bench/README.md). No option of pdfkit shares decoded images between documents, so
 * this is written here: the split (two deflated buffers, a pure function of the PNG's bytes) is
 * made once per process, on a detached copy of the image, and every document uses it.
 *
 * The bytes are those pdfkit makes (old documents must replay to the same sha256): pdfkit finishes
 * each split in an asynchronous inflate callback, after the synchronous drawing, and the soft-mask
 * object's number depends on when — so each image here is also finished on a later turn of the event
 * loop (`setImmediate`), never synchronously, and in the order the document drew them. pdfkit alone
 * finishes two images of one document in whatever order the thread pool's inflates end, which is
 * usually drawing order; here it is always drawing order, also for a process's first document.
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
const splits = new Map<string, Promise<SplitPng>>();

let enabled = true;

/** Turns the cache off and on (tests compare bytes both ways; the bench measures its worth). */
export function setPngSplitCacheEnabled(on: boolean): void {
  enabled = on;
}

const keyOf = (bytes: Buffer): string =>
  `${bytes.length}:${createHash('sha1').update(bytes).digest('base64')}`;

/** The split of `bytes`, made once per process on a detached copy of the image (no document). */
function splitOf(opened: PdfkitPngImage, bytes: Buffer): Promise<SplitPng> {
  const key = keyOf(bytes);
  let split = splits.get(key);
  if (!split) {
    const Image = opened.constructor as new (data: Buffer, label: string) => PdfkitPngImage;
    const detached = new Image(bytes, 'cache');
    split = new Promise<SplitPng>((resolve, reject) => {
      detached.finalize = () => {
        if (detached.imgData && detached.alphaChannel)
          resolve({ imgData: detached.imgData, alphaChannel: detached.alphaChannel });
        else reject(new InvariantError('pdfkit split a PNG with an alpha channel into no alpha channel'));
      };
    });
    split.catch(() => splits.delete(key));
    if (splits.size >= MAX_ENTRIES) splits.clear();
    splits.set(key, split);
    detached.splitAlphaChannel();
  }
  return split;
}

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

/** Per document, the images drawn so far: each is finished after the one before it. */
const finished = new WeakMap<object, Promise<void>>();

function openShared(doc: OpensImages, bytes: Buffer): PdfkitPngImage {
  const opened = doc.openImage(bytes) as PdfkitPngImage;
  // A JPEG, or a PNG pdfkit embeds without decoding, or the cache off.
  if (!enabled || !opened.image?.hasAlphaChannel) return opened;
  const split = splitOf(opened, bytes);
  const ownSplit = opened.splitAlphaChannel.bind(opened);
  // pdfkit calls this from embed(); the image is finished below, in drawing order.
  opened.splitAlphaChannel = () => undefined;
  const previous = finished.get(doc) ?? Promise.resolve();
  const done = previous.then(() =>
    split.then(
      (s) =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            opened.imgData = s.imgData;
            opened.alphaChannel = s.alphaChannel;
            opened.finalize();
            resolve();
          }),
        ),
      // A split that failed here: pdfkit's own code decodes this image (and reports its error).
      () => {
        ownSplit();
      },
    ),
  );
  finished.set(doc, done);
  return opened;
}
