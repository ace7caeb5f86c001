import { templatePackageFromFiles } from '../templates/index.ts';
import { type DiffHunk, diffHunks } from './line-diff.ts';

/** One file that differs between two versions of a template, as the studio's diff page lists it. */
export interface FileDiff {
  file: string;
  change: 'added' | 'removed' | 'changed';
  hunks: DiffHunk[];
}

/** Files edited and diffed as text: everything but images, fonts and PDFs (a textarea would mangle them). */
export function isTextFile(file: string): boolean {
  return !/\.(png|jpe?g|gif|webp|ttf|otf|woff2?|pdf)$/i.test(file);
}

/**
 * The text files that differ from version `a` to version `b`, by file name, each with its hunks
 * (three lines of context). Binary files and unchanged files are left out.
 *
 * @example diffFiles({ 'a.hbs': 'x' }, { 'a.hbs': 'y', 'b.hbs': 'z' }) // a.hbs changed, b.hbs added
 */
export function diffFiles(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): FileDiff[] {
  const files: FileDiff[] = [];
  for (const file of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!isTextFile(file) || a[file] === b[file]) continue;
    const change = a[file] === undefined ? 'added' : b[file] === undefined ? 'removed' : 'changed';
    files.push({ file, change, hunks: diffHunks(a[file] ?? '', b[file] ?? '') });
  }
  return files;
}

/** A locale as the diff's query gives it (`en-GB`), or undefined when it is not one. */
export function diffLocale(locale: string | undefined): string | undefined {
  return locale && /^[a-z]{2}-[A-Z]{2}$/.test(locale) ? locale : undefined;
}

/**
 * Whether the newer version has a print page to compare side by side, and in which locale: the one
 * asked for, else the package's first, else en-GB. A broken manifest compares no pages (the text
 * diff still shows what changed).
 */
export function pageComparison(
  templateName: string,
  files: Readonly<Record<string, string>>,
  requestedLocale: string | undefined,
): { print: boolean; locale: string } {
  const asked = diffLocale(requestedLocale);
  try {
    const manifest = templatePackageFromFiles(templateName, files).manifest;
    return { print: manifest.channels.includes('print'), locale: asked ?? manifest.locales[0] ?? 'en-GB' };
  } catch {
    return { print: false, locale: asked ?? 'en-GB' };
  }
}
