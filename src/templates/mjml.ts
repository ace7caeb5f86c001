import { createRequire } from 'node:module';
import path from 'node:path';
import { fileError, type Problem, problemsError } from './issues.ts';

/**
 * MJML → HTML once per template version, keeping the Handlebars placeholders for the per-customer render.
 *
 * Safety (RELIABILITY S2): MJML never touches the file system. `mj-include` is expanded here, from the
 * package's own files (in memory, as stored for a published version), and MJML runs with includes
 * ignored. A path that leaves the package folder, or names a file the package does not have, fails the
 * compile naming the including file and the path as written, never any content.
 *
 * Placeholders: every `{{…}}` is swapped for an inert token (`msvph7hpvsm`) before MJML runs and put back
 * afterwards, so quotes and braces inside expressions cannot upset MJML's XML parser and expressions in
 * attributes (`href="{{payUrl}}"`) survive. An expression MJML drops (text where MJML allows none) is an
 * error naming its line; literal `{{` in MJML's own output is escaped so Handlebars prints it as is.
 */

interface MjmlError {
  line?: number;
  message?: string;
  tagName?: string;
}

/** mjml ships no types (and @types/mjml describes the synchronous v4 API); mjml 5's entry point is async. */
type Mjml2Html = (
  input: string,
  options: Record<string, unknown>,
) => Promise<{ html: string; errors?: MjmlError[] }>;

let loadedMjml: Mjml2Html | undefined;
/**
 * MJML and its ~400 modules (juice, cheerio, js-beautify…), loaded at the first compile: ~0.4 s that
 * a command importing the templates stage without compiling an e-mail (a run's planner, a worker
 * that only sends) does not pay.
 */
function mjml2html(input: string, options: Record<string, unknown>): ReturnType<Mjml2Html> {
  loadedMjml ??= createRequire(import.meta.url)('mjml') as Mjml2Html;
  return loadedMjml(input, options);
}

const MAX_INCLUDE_DEPTH = 10;
const INCLUDE_TAG = /<mj-include\b([^>]*?)\/?>(?:\s*<\/mj-include>)?/gi;
const ATTRIBUTE = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** Comments first (they may contain `}}`), then triple-stash, then ordinary mustaches. */
const MUSTACHE = /\{\{!--[\s\S]*?--\}\}|\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}/g;
const TOKEN = /msvph(\d+)hpvsm/g;
const HAS_TOKEN = /msvph\d+hpvsm/;

function attributesOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(ATTRIBUTE)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The package path an include points to, or undefined when it leaves the package folder. */
function resolveInclude(from: string, target: string): string | undefined {
  if (
    target === '' ||
    path.posix.isAbsolute(target) ||
    /^[a-z][\w+.-]*:/i.test(target) ||
    target.includes('\\')
  )
    return undefined;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), target));
  if (resolved === '..' || resolved.startsWith('../') || resolved.startsWith('/')) return undefined;
  return resolved;
}

/** The body of an included MJML file: a full `<mjml><mj-body>` document or a bare fragment. */
function fragmentOf(text: string): string {
  const body = /<mj-body[^>]*>([\s\S]*)<\/mj-body>/i.exec(text);
  return body ? body[1]! : text.replace(/<\/?mjml[^>]*>/gi, '');
}

/** Expands every mj-include of `file` from the package files; includes may nest up to 10 deep. */
export function expandIncludes(files: Readonly<Record<string, string>>, file: string, depth = 0): string {
  const text = files[file];
  if (text === undefined) throw fileError(file, '(file)', 'missing');
  const problems: Problem[] = [];
  const out = text.replace(INCLUDE_TAG, (_tag, attrs: string, index: number) => {
    const a = attributesOf(attrs);
    const target = a.path ?? '';
    const line = lineAt(text, index);
    const fail = (message: string) => {
      problems.push({ path: `mj-include "${target}"`, message, line });
      return '';
    };
    const resolved = resolveInclude(file, target);
    if (resolved === undefined) return fail('includes may only name files inside the template package');
    const included = files[resolved];
    if (included === undefined) return fail('no such file in the template package');
    if (depth >= MAX_INCLUDE_DEPTH) return fail(`includes nest more than ${MAX_INCLUDE_DEPTH} deep`);
    const type = a.type ?? 'mjml';
    if (type === 'css') {
      const inline = a['css-inline'] === 'inline' ? ' inline="inline"' : '';
      return `<mj-style${inline}>${included}</mj-style>`;
    }
    if (type === 'html') return `<mj-raw>${included}</mj-raw>`;
    if (type !== 'mjml') return fail(`unknown type "${type}" (mjml, css or html)`);
    return fragmentOf(expandIncludes(files, resolved, depth + 1));
  });
  if (/<mj-include\b/i.test(out)) {
    problems.push({ path: 'mj-include', message: 'an mj-include tag could not be read', line: 1 });
  }
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
  return out;
}

export interface MaskedSource {
  masked: string;
  /** The Handlebars expressions, in order; token i stands for expressions[i]. */
  expressions: string[];
  lines: number[];
}

/** Swaps every `{{…}}` for a token MJML leaves alone. Triple-stash is refused here (RELIABILITY S1). */
export function maskPlaceholders(file: string, source: string): MaskedSource {
  if (HAS_TOKEN.test(source)) {
    throw fileError(file, '(text)', 'contains the reserved text "msvph…hpvsm"');
  }
  const expressions: string[] = [];
  const lines: number[] = [];
  const problems: Problem[] = [];
  const masked = source.replace(MUSTACHE, (expression: string, index: number) => {
    if (expression.startsWith('{{{') || /^\{\{~?\s*&/.test(expression)) {
      problems.push({
        path: expression.slice(0, 40),
        message: 'unescaped output ({{{…}}} or {{&…}}) is not allowed in email templates',
        line: lineAt(source, index),
      });
    }
    expressions.push(expression);
    lines.push(lineAt(source, index));
    return `msvph${expressions.length - 1}hpvsm`;
  });
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
  return { masked, expressions, lines };
}

/**
 * Puts the expressions back into text MJML produced. Literal `{{` of MJML's own output is escaped first.
 * With `requireAll` (the HTML) every expression must survive at least once, or the template would
 * silently lose it; the derived plain text may drop some (those in the head or in attributes).
 */
export function restorePlaceholders(
  file: string,
  html: string,
  source: MaskedSource,
  requireAll: boolean,
): string {
  const seen = new Set<number>();
  const escaped = html.replace(/\{\{/g, '\\{{');
  const out = escaped.replace(TOKEN, (_, n: string) => {
    const i = Number(n);
    seen.add(i);
    return source.expressions[i] ?? '';
  });
  const problems: Problem[] = [];
  source.expressions.forEach((expression, i) => {
    if (requireAll && !seen.has(i) && !expression.startsWith('{{!')) {
      problems.push({
        path: expression.slice(0, 60),
        message: 'MJML dropped this expression: put it inside mj-text, mj-raw, mj-button or an attribute',
        line: source.lines[i]!,
      });
    }
  });
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
  return out;
}

/** src, background, link href and CSS url(): only data: (and cid:) references, never a remote fetch. */
const RESOURCE =
  /\b(src|background)\s*=\s*(?:"([^"]*)"|'([^']*)')|<link\b[^>]*\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')|url\(\s*['"]?([^'")]*)/gi;

/**
 * The two expressions an image may come from, both data: URIs of checked images: the brand's logo and
 * a package image the data names (`{{image offers.[0].image}}`, src/templates/helpers/image.ts).
 */
const IMAGE_EXPRESSION = /^\{\{~?\s*(@brand\.logo\.src|image\s+[^{}]+?)\s*~?\}\}$/;

export function checkResources(file: string, html: string, expressions: readonly string[] = []): void {
  const problems: Problem[] = [];
  for (const m of html.matchAll(RESOURCE)) {
    const value = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6] ?? '').trim();
    if (/^(data|cid):/i.test(value)) continue;
    const token = /^msvph(\d+)hpvsm$/.exec(value);
    if (m[1] && token && IMAGE_EXPRESSION.test(expressions[Number(token[1])] ?? '')) continue;
    const what = m[1] ?? (m[6] === undefined ? 'link href' : 'url()');
    const message = HAS_TOKEN.test(value)
      ? `${what} comes from the data: images must be in the package (as data: URIs)`
      : /^(https?:)?\/\//i.test(value)
        ? `${what} is a remote URL: remote images are not allowed, embed it as a data: URI`
        : `${what} "${value.slice(0, 60)}" is not a data: URI`;
    problems.push({ path: what, message });
  }
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
}

/** A brand colour, checked as `#rrggbb` when the brand loads: the one expression a colour attribute may be. */
const BRAND_COLOR = /^\{\{~?\s*@brand\.colors\.\w+\s*~?\}\}$/;
const INVALID_COLOR = /has invalid value: msvph(\d+)hpvsm for type Color/;

/**
 * Compiles MJML (placeholders masked) to HTML; MJML's validation errors fail the compile, all listed.
 * MJML cannot know that `color="{{@brand.colors.primary}}"` will be a colour: that complaint (and only
 * for brand colours, never a colour from the data) is left out.
 */
export function compileMjml(
  file: string,
  masked: string,
  expressions: readonly string[] = [],
): Promise<string> {
  const key = `${file}\u0000${masked}\u0000${expressions.join('\u0000')}`;
  let html = compiledMjml.get(key);
  if (!html) {
    html = compileMjmlNow(file, masked, expressions);
    html.catch(() => compiledMjml.delete(key));
    compiledMjml.set(key, html);
    if (compiledMjml.size > COMPILED_MJML_MAX) compiledMjml.delete(compiledMjml.keys().next().value!);
  }
  return html;
}

/**
 * Compiled MJML by source, process-wide and bounded: the output depends on the masked source alone
 * (data and locale strings are Handlebars placeholders here), so a package compiled again — the
 * studio's every text edit — skips MJML (~90 ms for the statement) unless email.mjml changed.
 */
const compiledMjml = new Map<string, Promise<string>>();
const COMPILED_MJML_MAX = 200;

async function compileMjmlNow(file: string, masked: string, expressions: readonly string[]): Promise<string> {
  let result: { html: string; errors?: MjmlError[] };
  try {
    result = await mjml2html(masked, {
      validationLevel: 'soft',
      ignoreIncludes: true,
      fonts: {},
      keepComments: false,
      minify: false,
      beautify: false,
    });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw fileError(file, '(mjml)', message.slice(0, 200));
  }
  const isBrandColor = (e: MjmlError) => {
    const token = INVALID_COLOR.exec(e.message ?? '')?.[1];
    return token !== undefined && BRAND_COLOR.test(expressions[Number(token)] ?? '');
  };
  const problems: Problem[] = (result.errors ?? [])
    .filter((e) => !isBrandColor(e))
    .map((e) => ({
      path: e.tagName ?? '(mjml)',
      message: e.message ?? 'invalid MJML',
      ...(e.line === undefined ? {} : { line: e.line }),
    }));
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
  return result.html;
}
