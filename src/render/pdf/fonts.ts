import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { MissiveError } from '../../core/errors.ts';
import { InvariantError } from '../../core/invariant.ts';
import { cacheGlyphDecoding } from './glyph-decode-cache.ts';
import { cacheGlyphMetrics } from './glyph-metrics-cache.ts';
import { cacheLayout } from './layout-cache.ts';
import { cacheSubsets } from './subset-cache.ts';

/**
 * The fonts a print layout can name (`styles.*.font`). Each is parsed ONCE per process with
 * `fontkit.create` and the same object is handed to every document: handing pdfkit a path or a
 * Buffer makes it parse the 10 MB font again for each document (NOTES.md: 15 → 65 documents/s).
 *
 * Noto Sans SC covers Latin and CJK, so one face per weight serves zh-CN and en-GB. A per-run
 * fallback chain (e.g. Noto Sans SC → Noto Sans Arabic) will map a name to several faces and split
 * text into runs by `hasGlyph`; `getFont` stays the single-face lookup underneath.
 */
const require = createRequire(import.meta.url);
const SOURCES: Readonly<Record<string, string>> = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
  // DejaVu Sans (Debian fonts-dejavu-core, installed by scripts/bootstrap.sh): Greek, Cyrillic and
  // the symbols Noto Sans SC lacks (✓ ✗ ☎ ★ ⚠ arrows, box drawing), for fallback chains.
  symbols: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  'symbols-bold': '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
};

export interface FontFace {
  /** The name layouts use, and the name the face is registered under in each document. */
  readonly name: string;
  readonly font: fontkit.Font;
  hasGlyph(codePoint: number): boolean;
}

const faces = new Map<string, FontFace>();

function load(name: string, source: string): FontFace {
  let bytes: Buffer;
  try {
    bytes = readFileSync(source.startsWith('/') ? source : require.resolve(source));
  } catch (error) {
    throw new MissiveError(
      'MSV_TEMPLATE_INVALID',
      `font ${name} is not installed (${source}); run scripts/bootstrap.sh`,
      { file: 'print.yaml', field: 'styles', font: name },
      { cause: error },
    );
  }
  const font = fontkit.create(bytes);
  if (typeof (font as unknown as { _glyphs?: unknown })._glyphs !== 'object') {
    // A fontkit upgrade that renamed its internals: a bug to fix here, not something a user can cause.
    throw new InvariantError(`fontkit changed: ${name} has no glyph cache to reset (see resetGlyphCaches)`);
  }
  cacheLayout(font);
  cacheGlyphDecoding(font);
  cacheSubsets(font);
  cacheGlyphMetrics(font);
  const covered = new Set<number>();
  const hasGlyph = (cp: number): boolean => {
    if (covered.has(cp)) return true;
    const ok = font.hasGlyphForCodePoint(cp);
    if (ok) covered.add(cp);
    return ok;
  };
  return Object.freeze({ name, font, hasGlyph });
}

/** The face registered as `name`; loaded on first use, then shared by every document of the process. */
export function getFont(name: string): FontFace {
  let face = faces.get(name);
  if (!face) {
    const source = SOURCES[name];
    if (source === undefined) {
      throw new MissiveError(
        'MSV_TEMPLATE_INVALID',
        `no font named "${name}" (known: ${fontNames().join(', ')})`,
        {
          file: 'print.yaml',
          field: 'styles',
          font: name,
        },
      );
    }
    face = load(name, source);
    faces.set(name, face);
  }
  return face;
}

export function fontNames(): string[] {
  return Object.keys(SOURCES);
}

/**
 * Call at the start of every document, right before drawing. fontkit caches glyph objects per font
 * with the code points of the FIRST text that produced them, and pdfkit writes those code points into
 * the PDF's ToUnicode map. Several code points share a glyph (U+00B7 · and U+2022 • in Noto Sans SC;
 * space and no-break space), so with a shared font a document's bytes would depend on what the
 * process rendered before. Clearing the cache makes them depend on the document alone. Safe because
 * drawing a document is synchronous from this call to `doc.end()`.
 */
export function resetGlyphCaches(): void {
  for (const face of faces.values()) (face.font as unknown as { _glyphs: object })._glyphs = {};
}

/** `U+4E2D` */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export interface Run {
  readonly face: FontFace;
  readonly text: string;
}

const isLayout = (cp: number): boolean => cp === 0x0a || cp === 0x0d || cp === 0x09;

function missing(
  chain: readonly FontFace[],
  cp: number,
  where: { file: string; path: string },
): MissiveError {
  const label = codePointLabel(cp);
  const names = chain.map((f) => f.name).join(', ');
  return new MissiveError(
    'MSV_RENDER_GLYPH_MISSING',
    `${where.file} ${where.path}: no glyph for ${label} in font ${names}`,
    { file: where.file, field: where.path, character: label, font: names },
  );
}

/**
 * Splits `text` into runs by font: each character goes to the first face of `chain` that has it
 * (spaces and line breaks stay with the run they are in). MSV_RENDER_GLYPH_MISSING, naming the
 * character (U+XXXX), when no face has it. A text the first face covers is one run.
 */
export function splitRuns(
  chain: readonly FontFace[],
  text: string,
  where: { file: string; path: string },
): Run[] {
  const runs: Run[] = [];
  let face: FontFace | undefined;
  let start = 0;
  let at = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const keep = face && (isLayout(cp) || (cp === 0x20 && face.hasGlyph(cp)));
    if (!keep) {
      const next = chain.find((f) => f.hasGlyph(cp));
      if (!next) {
        if (!isLayout(cp)) throw missing(chain, cp, where);
      } else if (next !== face) {
        if (face && at > start) runs.push({ face, text: text.slice(start, at) });
        face = next;
        start = at;
      }
    }
    at += ch.length;
  }
  if (face && at > start) runs.push({ face, text: text.slice(start, at) });
  return runs;
}

/**
 * Throws MSV_RENDER_GLYPH_MISSING for the first character `face` cannot draw, naming it (U+XXXX) and
 * the layout field it came from. Line breaks and tabs are layout, not glyphs.
 */
export function assertCovered(face: FontFace, text: string, where: { file: string; path: string }): void {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x0a || cp === 0x0d || cp === 0x09 || face.hasGlyph(cp)) continue;
    const label = codePointLabel(cp);
    throw new MissiveError(
      'MSV_RENDER_GLYPH_MISSING',
      `${where.file} ${where.path}: no glyph for ${label} in font ${face.name}`,
      {
        file: where.file,
        field: where.path,
        character: label,
        font: face.name,
      },
    );
  }
}
