import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { portalZhCN } from '../portal/i18n/zh-CN.ts';
import { STATUS_LABELS } from '../ui/i18n/status-labels.ts';
import { zhCN } from '../ui/i18n/zh-CN.ts';

/**
 * The CJK web font the agent UI and the portal serve themselves (issue 19): an agent's machine
 * without a Chinese font would otherwise show customers' names as boxes. A WOFF2 subset of Noto Sans
 * SC Regular from the npm package `@expo-google-fonts/noto-sans-sc` (a dependency; nothing is
 * downloaded), made with `subset-font` (harfbuzz's hb-subset compiled to WebAssembly and shipped in
 * the npm package, with a WebAssembly WOFF2 encoder: no native build, no download), covering the
 * 6,763 hanzi of GB2312 (level 1 alone misses common given-name characters such as 婷 and 萱), CJK
 * and full-width punctuation, and every character of the Chinese UI and portal dictionaries.
 *
 * Built on first use, in the process, and kept on disk by the hash of what goes into it (the same
 * hash names the URL, so browsers may cache it for a year); a later start reads it back.
 * The @font-face rule limits it to CJK code points (unicode-range): a page in English never loads it.
 */
export const CJK_FONT_FAMILY = 'Missive Noto Sans SC';

const require = createRequire(import.meta.url);
const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';

/** The code points the font answers for in the browser (unicode-range). */
const UNICODE_RANGE =
  'U+2E80-2FDF, U+3000-303F, U+3100-312F, U+31C0-31EF, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF';

/**
 * The 6,763 hanzi of GB2312 (level 1, rows 16–55: the 3,755 most common; level 2, rows 56–87, which
 * holds many characters of given names: 婷, 怡, 梓, 萱), decoded from their EUC-CN bytes.
 */
export function gb2312Hanzi(): string {
  const bytes: number[] = [];
  for (let hi = 0xb0; hi <= 0xf7; hi += 1) {
    const last = hi === 0xd7 ? 0xf9 : 0xfe; // row 55 ends at 0xD7F9
    for (let lo = 0xa1; lo <= last; lo += 1) bytes.push(hi, lo);
  }
  return iconv.decode(Buffer.from(bytes), 'gb2312');
}

/** CJK symbols and punctuation and the full-width forms (，。：；（）《》 …). */
function punctuation(): string {
  let out = '';
  for (let c = 0x3000; c <= 0x303f; c += 1) out += String.fromCodePoint(c);
  for (let c = 0xff01; c <= 0xff5e; c += 1) out += String.fromCodePoint(c);
  return out;
}

/** Every CJK character the subset holds, sorted and unique (the same text makes the same font). */
export function cjkSubsetText(): string {
  const dictionaries = [
    ...Object.values(zhCN),
    ...Object.values(portalZhCN),
    ...Object.values(STATUS_LABELS['zh-CN']),
  ].join('');
  const chars = new Set([...`${gb2312Hanzi()}${punctuation()}${dictionaries}`]);
  return [...chars]
    .filter((c) => c.codePointAt(0)! >= 0x2e80)
    .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
    .join('');
}

export interface CjkFont {
  /** `/assets/fonts/noto-sans-sc.<hash>.woff2` */
  url: string;
  /** The @font-face rule for the stylesheets. */
  css: string;
  /** The WOFF2 bytes (built on the first call, then from memory or the disk cache). */
  bytes(): Promise<Buffer>;
}

let shared: CjkFont | undefined;

/** The process's CJK font (one per process: the subset is the same for every app). */
export function cjkFont(cacheDir = path.join(os.tmpdir(), 'missive-font-cache')): CjkFont {
  if (shared) return shared;
  const source = require.resolve(`${FONT_PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`);
  const version = (require(`${FONT_PACKAGE}/package.json`) as { version: string }).version;
  const text = cjkSubsetText();
  const hash = createHash('sha256').update(`${FONT_PACKAGE}@${version}\n${text}`).digest('hex').slice(0, 16);
  const file = `noto-sans-sc.${hash}.woff2`;
  const url = `/assets/fonts/${file}`;
  let built: Promise<Buffer> | undefined;
  const build = async (): Promise<Buffer> => {
    const cached = path.join(cacheDir, file);
    try {
      return await fs.promises.readFile(cached);
    } catch {
      // Not built yet on this machine: build it below.
    }
    const { default: subsetFont } = await import('subset-font');
    const woff2 = await subsetFont(await fs.promises.readFile(source), text, { targetFormat: 'woff2' });
    await fs.promises.mkdir(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    await fs.promises.writeFile(partial, woff2);
    await fs.promises.rename(partial, cached); // whole or absent, also with two servers starting
    return woff2;
  };
  shared = {
    url,
    css: `@font-face {\n  font-family: "${CJK_FONT_FAMILY}";\n  font-style: normal;\n  font-weight: 400;\n  font-display: swap;\n  src: url("${url}") format("woff2");\n  unicode-range: ${UNICODE_RANGE};\n}\n`,
    bytes() {
      built ??= build().catch((err: unknown) => {
        built = undefined; // a failed build is tried again on the next request
        throw err;
      });
      return built;
    },
  };
  return shared;
}
