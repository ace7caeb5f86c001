import { formatPath, type Problem, problemsError, problemsFromZod } from '../issues.ts';
import { PRINT_LAYOUT_FILE } from '../manifest.ts';
import { parseYamlFile, type SourceFile } from '../source-file.ts';
import { accessibilityProblems } from './accessibility.ts';
import { PAGE_SIZES, type PrintLayout, printLayoutSchema } from './schema.ts';
import { walk } from './walk.ts';

/** Any key named `style` or ending in `Style` refers to entries of `styles:`. */
const STYLE_KEY = /^(style|\w+Style)$/;

function styleProblems(layout: PrintLayout, source: SourceFile): Problem[] {
  const known = new Set(['base', ...Object.keys(layout.styles)]);
  const problems: Problem[] = [];
  walk(layout, (value, path, key) => {
    if (typeof key !== 'string' || !STYLE_KEY.test(key)) return;
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    for (const name of names) {
      if (typeof name === 'string' && !known.has(name)) {
        const line = source.lineOf(path);
        const message = `no style named "${name}" (known: ${[...known].join(', ')})`;
        problems.push(
          line === undefined
            ? { path: formatPath(path), message }
            : { path: formatPath(path), message, line },
        );
      }
    }
  });
  return problems;
}

/** The body must keep some room between the header and footer bands on every page. */
function geometryProblems(layout: PrintLayout, source: SourceFile): Problem[] {
  const [, pageHeight] = PAGE_SIZES[layout.page.size];
  const { top, bottom } = layout.page.margins;
  const footer = layout.footer?.height ?? 0;
  const headers = [
    layout.header?.first.height ?? 0,
    layout.header?.following?.height ?? layout.header?.first.height ?? 0,
  ];
  const room = pageHeight - top - bottom - footer - Math.max(...headers);
  if (room >= 72) return [];
  const path = ['page', 'margins'];
  const message = `margins, header and footer leave ${Math.round(room)}pt for the body; at least 72pt (1in) is needed`;
  const line = source.lineOf(path);
  return [
    line === undefined ? { path: formatPath(path), message } : { path: formatPath(path), message, line },
  ];
}

export interface ParsedLayout {
  readonly layout: PrintLayout;
  readonly source: SourceFile;
}

/**
 * print.yaml → a validated layout (lengths in points, Handlebars strings as unbound TemplateText).
 * Every problem is reported at once, each with its path and line: MSV_TEMPLATE_INVALID.
 */
export function parsePrintLayout(text: string, file = PRINT_LAYOUT_FILE): ParsedLayout {
  const source = parseYamlFile(file, text);
  const parsed = printLayoutSchema.safeParse(source.value);
  if (!parsed.success) {
    throw problemsError('MSV_TEMPLATE_INVALID', file, problemsFromZod(parsed.error.issues, source.lineOf));
  }
  const problems = [
    ...styleProblems(parsed.data, source),
    ...geometryProblems(parsed.data, source),
    ...accessibilityProblems(parsed.data, source),
  ];
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
  return { layout: parsed.data, source };
}

/** Layouts parsed while a package was read, by package, for its compile (see takeParsedLayout). */
const parsedWith = new WeakMap<object, { text: string; parsed: ParsedLayout }>();

/** Keeps the layout that `owner` (a package just read) was checked with, for takeParsedLayout. */
export function keepParsedLayout(owner: object, text: string, parsed: ParsedLayout): void {
  parsedWith.set(owner, { text, parsed });
}

/**
 * The layout of `text` for `owner`'s compile: the one parsed when the package was read (reading checks
 * print.yaml, parsed whole — ~20 ms for the statement's — and its compile needs the same result), else
 * parsed now. Handed over once: compiling binds the layout's strings, so a second compile of the same
 * package parses afresh.
 */
export function takeParsedLayout(owner: object, text: string): ParsedLayout {
  const kept = parsedWith.get(owner);
  parsedWith.delete(owner);
  return kept?.text === text ? kept.parsed : parsePrintLayout(text);
}
