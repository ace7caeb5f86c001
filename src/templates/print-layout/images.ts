import { inflateSync } from 'node:zlib';
import { type Problem, problemsError } from '../issues.ts';
import { PRINT_LAYOUT_FILE } from '../manifest.ts';
import type { PrintLayout } from './schema.ts';
import { walk } from './walk.ts';

/** A checked image: its bytes (decoded from the package's base64 text) and pixel size. */
export interface ImageAsset {
  readonly kind: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

export const IMAGE_LIMITS = { maxBytes: 2 * 1024 * 1024, maxSide: 4000 } as const;
/** Package images are base64 text files: the package loader and version store stay text-only. */
export const IMAGE_SUFFIX = '.b64';

class BadImage extends Error {}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1) throw new BadImage('has no pixels');
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide) {
    throw new BadImage(`is ${width}×${height} px; at most ${IMAGE_LIMITS.maxSide}×${IMAGE_LIMITS.maxSide}`);
  }
}

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * A PNG is accepted only when every chunk's CRC is right, it ends with IEND, it is not interlaced
 * nor 16-bit (pdfkit's png-js mishandles both), and its image data inflates to exactly the size its
 * header announces: a truncated file or a decompression bomb is refused here, with a bounded inflate.
 */
function checkPng(bytes: Buffer): ImageAsset {
  let at = 8;
  let header: { width: number; height: number; depth: number; type: number } | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (at + 12 <= bytes.length && !ended) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > bytes.length) throw new BadImage(`is truncated inside chunk ${type}`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== bytes.readUInt32BE(at + 8 + length)) {
      throw new BadImage(`has a bad CRC in chunk ${type}`);
    }
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        depth: data[8] ?? 0,
        type: data[9] ?? 0,
      };
      if (data[12] !== 0) throw new BadImage('is interlaced (not supported)');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header) throw new BadImage('has no IHDR header');
  if (!ended) throw new BadImage('is truncated (no IEND)');
  checkSize(header.width, header.height);
  const channels = CHANNELS[header.type];
  if (channels === undefined || ![1, 2, 4, 8].includes(header.depth)) {
    throw new BadImage(`has an unsupported colour type ${header.type} / bit depth ${header.depth}`);
  }
  const expected = header.height * (1 + Math.ceil((header.width * channels * header.depth) / 8));
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    throw new BadImage('has image data that does not inflate to its announced size');
  }
  if (raw.length !== expected) throw new BadImage('has image data that does not match its header');
  return { kind: 'png', width: header.width, height: header.height, bytes };
}

/** A JPEG: SOI, segments up to a frame header (SOFn) giving its size, and EOI at the end. */
function checkJpeg(bytes: Buffer): ImageAsset {
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9)
    throw new BadImage('is truncated (no EOI)');
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new BadImage('has a malformed segment');
    const marker = bytes[at + 1] ?? 0;
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      if (at + 9 > bytes.length) break;
      const height = bytes.readUInt16BE(at + 5);
      const width = bytes.readUInt16BE(at + 7);
      checkSize(width, height);
      return { kind: 'jpeg', width, height, bytes };
    }
    if (marker === 0xda) break;
    at += 2 + length;
  }
  throw new BadImage('has no frame header');
}

/** Checks an image's bytes: a real PNG or JPEG within IMAGE_LIMITS, or a BadImage naming why not. */
export function checkImage(bytes: Buffer): ImageAsset {
  if (bytes.length > IMAGE_LIMITS.maxBytes) throw new BadImage(`is ${bytes.length} bytes; at most 2 MB`);
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return checkPng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return checkJpeg(bytes);
  throw new BadImage('is neither PNG nor JPEG (SVG and other formats are not supported)');
}

/** Checked images by their base64 text (see checkImageText), oldest dropped first beyond the bound. */
const checked = new Map<string, ImageAsset>();
const CHECKED_MAX_CHARS = 32 * 1024 * 1024;
let checkedChars = 0;

/**
 * checkImage of a package's base64 image file, kept by its text: every compile of a package checks
 * all of its images (the statement's 15 offer images took ~38 ms: CRCs and a bounded inflate each),
 * and the studio compiles the package again on every edit with the same images. The check is a pure
 * function of the text, so a text checked before gives the same asset; only accepted images are kept.
 */
function checkImageText(text: string): ImageAsset {
  const hit = checked.get(text);
  if (hit) return hit;
  const image = checkImage(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  if (text.length <= CHECKED_MAX_CHARS / 4) {
    for (const [old] of checked) {
      if (checkedChars + text.length <= CHECKED_MAX_CHARS) break;
      checked.delete(old);
      checkedChars -= old.length;
    }
    checked.set(text, image);
    checkedChars += text.length;
  }
  return image;
}

const assets = new WeakMap<PrintLayout, ReadonlyMap<string, ImageAsset>>();

/**
 * Decodes and checks every image the layout names, once per compiled version; any problem is
 * MSV_TEMPLATE_IMAGE_INVALID listing each image with its path, so `templates lint` catches it.
 */
export function attachImages(layout: PrintLayout, files: Readonly<Record<string, string>>): void {
  const found = new Map<string, ImageAsset>();
  const problems: Problem[] = [];
  walk(layout, (value, path) => {
    if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'image') return;
    const src = (value as { src?: string }).src;
    if (src === undefined || found.has(src)) return; // `data:` images are checked with the package's images/
    const where = `${path.join('.')}.src`;
    const text = files[src + IMAGE_SUFFIX];
    if (text === undefined) {
      problems.push({
        path: where,
        message: `no file ${src}${IMAGE_SUFFIX} in the package (images are stored as base64 text)`,
      });
      return;
    }
    try {
      found.set(src, checkImageText(text));
    } catch (error) {
      if (!(error instanceof BadImage)) throw error;
      problems.push({ path: where, message: `${src} ${error.message}` });
    }
  });
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_IMAGE_INVALID', PRINT_LAYOUT_FILE, problems);
  for (const [src, image] of checkPackageImages(files)) if (!found.has(src)) found.set(src, image);
  assets.set(layout, found);
}

/**
 * Every image file of the package under `images/` (offer images the data names, `images/offers/…`),
 * checked like the layout's own: a bad one is MSV_TEMPLATE_IMAGE_INVALID when the package compiles.
 */
export function checkPackageImages(files: Readonly<Record<string, string>>): Map<string, ImageAsset> {
  const found = new Map<string, ImageAsset>();
  const problems: Problem[] = [];
  for (const [name, text] of Object.entries(files)) {
    if (!name.startsWith('images/') || !name.endsWith(IMAGE_SUFFIX)) continue;
    const src = name.slice(0, -IMAGE_SUFFIX.length);
    try {
      found.set(src, checkImageText(text));
    } catch (error) {
      if (!(error instanceof BadImage)) throw error;
      problems.push({ path: name, message: `${src} ${error.message}` });
    }
  }
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_IMAGE_INVALID', 'images/', problems);
  return found;
}

/** A copy of a layout (themed with a brand, theme-layout.ts) draws the same checked images. */
export function shareImages(from: PrintLayout, to: PrintLayout): void {
  const found = assets.get(from);
  if (found) assets.set(to, found);
}

/** The checked image `src` of a compiled layout. */
export function layoutImage(layout: PrintLayout, src: string): ImageAsset | undefined {
  return assets.get(layout)?.get(src);
}
