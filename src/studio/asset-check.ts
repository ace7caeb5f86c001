/**
 * The pure half of the studio's asset upload (assets.ts re-encodes): what an upload really is, sniffed
 * from its bytes and never from its name, whether an SVG is safe to rasterise, and the library name
 * it gets. Every refusal says what and why, so the upload form can show it as it is.
 */

export type SniffedKind = 'png' | 'jpeg' | 'svg';

/** Uploads larger than this are refused before any decoding. */
export const ASSET_MAX_BYTES = 2 * 1024 * 1024;
/** Uploads wider or taller than this (pixels, an SVG's own size included) are refused. */
export const ASSET_MAX_SIDE = 4000;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Other formats, named so a refusal says what the file is. */
const OTHER_FORMATS: readonly [string, (b: Buffer) => boolean][] = [
  ['GIF', (b) => b.subarray(0, 4).toString('latin1') === 'GIF8'],
  [
    'WebP',
    (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  ],
  ['PDF', (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'],
  ['BMP', (b) => b.subarray(0, 2).toString('latin1') === 'BM'],
  ['TIFF', (b) => ['II*\u0000', 'MM\u0000*'].includes(b.subarray(0, 4).toString('latin1'))],
  ['ZIP', (b) => b.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004'],
];

/** An upload refused: `reason` reads after the file name ("logo.svg has a <script> element"). */
export class AssetRefusal {
  constructor(readonly reason: string) {}
}

/**
 * The real format of an upload from its first bytes: PNG and JPEG by signature, SVG by an `<svg` root
 * element after an optional XML declaration and comments. Anything else is an AssetRefusal naming
 * the format when it is a known one.
 */
export function sniffImage(bytes: Buffer): SniffedKind {
  if (bytes.length === 0) throw new AssetRefusal('is empty');
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (svgRoot(bytes)) return 'svg';
  const other = OTHER_FORMATS.find(([, test]) => test(bytes));
  throw new AssetRefusal(
    `is ${other ? `a ${other[0]} file` : 'not an image Missive reads'}: upload a PNG, JPEG or SVG`,
  );
}

function svgRoot(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const rest = head
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '')
    .replace(/^\s*<!DOCTYPE[^>]*>/i, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '');
  return /^\s*<svg[\s>]/.test(rest);
}

/** Elements an SVG logo has no use for and which run code, embed documents or load other files. */
const FORBIDDEN_ELEMENTS = [
  'script',
  'foreignObject',
  'iframe',
  'embed',
  'object',
  'audio',
  'video',
  'handler',
  'listener',
];

/**
 * Why an SVG is not safe to rasterise, or [] when it is: scripts, event handler attributes
 * (`onload=`…), elements that embed other content, entity declarations (XXE, billion laughs),
 * `javascript:` URLs, and references to anything outside the file (`href`s that are not `#fragment`,
 * `url(...)` that is not `url(#id)`, CSS `@import`). Refused rather than cleaned: a designer re-exports
 * a clean file, and nothing half-sanitised is ever stored.
 */
export function svgProblems(text: string): string[] {
  const problems: string[] = [];
  const add = (problem: string) => {
    if (!problems.includes(problem)) problems.push(problem);
  };
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) add('has a DOCTYPE or ENTITY declaration');
  if (/<\?(?!xml\s)/i.test(text)) add('has a processing instruction (such as xml-stylesheet)');
  for (const element of FORBIDDEN_ELEMENTS) {
    if (new RegExp(`<\\s*(?:[\\w-]+:)?${element}[\\s/>]`, 'i').test(text)) add(`has a <${element}> element`);
  }
  for (const tag of text.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const handler = /\s(on[a-z]+)\s*=/i.exec(tag[0]);
    if (handler) add(`has an event handler attribute (${handler[1]}=)`);
  }
  if (/javascript\s*:/i.test(text) || /vbscript\s*:/i.test(text)) add('has a javascript: URL');
  for (const match of text.matchAll(/(?:^|[\s"'])((?:[\w-]+:)?href)\s*=\s*("([^"]*)"|'([^']*)')/gi)) {
    const value = (match[3] ?? match[4] ?? '').trim();
    if (!value.startsWith('#')) add(`refers to another file (${match[1]}="${value.slice(0, 60)}")`);
  }
  for (const match of text.matchAll(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi)) {
    if (!(match[2] ?? '').trim().startsWith('#'))
      add(`refers to another file (url(${(match[2] ?? '').slice(0, 60)}))`);
  }
  if (/@import/i.test(text)) add('has a CSS @import');
  if (/<\s*(?:[\w-]+:)?(?:set|animate)\b[^>]*attributeName\s*=\s*["'](?:[\w-]+:)?href["']/i.test(text)) {
    add('animates a link (href)');
  }
  return problems;
}

const EXTENSIONS: Readonly<Record<'png' | 'jpeg', string>> = { png: 'png', jpeg: 'jpg' };

/**
 * The library name of an upload: its file name without folders and extension, lower-cased to
 * letters, digits and dashes, with the extension of what is stored (`Platinum Card.JPG` holding a
 * PNG → `platinum-card.png`). Offers name images this way (`image: platinum-card.png`).
 */
export function assetName(fileName: string, stored: 'png' | 'jpeg'): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, '');
  const slug =
    base
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'image';
  return `${slug}.${EXTENSIONS[stored]}`;
}
