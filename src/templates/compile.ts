import { z } from 'zod';
import { MissiveError } from '../core/errors.ts';
import { type CompiledEmail, compileEmail } from './compile-email.ts';
import { type CompiledSms, compileSms } from './compile-sms.ts';
import { compileWeb } from './compile-web.ts';
import { compileText, type TextContext } from './handlebars/env.ts';
import type { TemplateRuntime } from './handlebars/runtime.ts';
import { lintText } from './handlebars/string-ids.ts';
import { TemplateText } from './handlebars/template-text.ts';
import { formatPath, type Problem, problemsError, problemsFromZod } from './issues.ts';
import { readLocaleStrings } from './locales.ts';
import { localeFile, type Manifest, PRINT_LAYOUT_FILE } from './manifest.ts';
import { attachImages, checkPackageImages, type ImageAsset } from './print-layout/images.ts';
import { takeParsedLayout } from './print-layout/parse.ts';
import type { PrintLayout } from './print-layout/schema.ts';
import { forEachText } from './print-layout/walk.ts';
import type { DocumentData, TemplatePackage } from './types.ts';

/** A template version ready to render many documents: parsed, validated, every string compiled once. */
export interface CompiledTemplate {
  readonly name: string;
  /** The package's content hash: which version this is. */
  readonly sha256: string;
  readonly manifest: Manifest;
  /** The print layout, when the package has the print channel. */
  readonly print: PrintLayout | undefined;
  /** The email channel; compiled only by compileTemplateAsync (MJML 5 is asynchronous). */
  readonly email: CompiledEmail | undefined;
  /** The SMS body, when the package has the sms channel. */
  readonly sms: CompiledSms | undefined;
  /** The web view (web.hbs, e-presentment in the customer portal), when the package has one. */
  readonly web: TemplateText | undefined;
  /** Locale and strings for the print context; MSV_TEMPLATE_INVALID for a locale the package lacks. */
  runtime(locale: string): TemplateRuntime;
  /** The data checked against the manifest's dataSchema; MSV_RENDER_DATA_INVALID lists every problem. */
  validateData(data: unknown): DocumentData;
}

const withLine = (p: Problem, line: number | undefined): Problem => (line === undefined ? p : { ...p, line });

type Binder = (text: TemplateText, path: string, line: number | undefined) => void;

/** Binds texts of one file, collecting every syntax or unknown-helper problem before failing. */
function bindAll(file: string, context: TextContext, each: (bind: Binder) => void): void {
  const problems: Problem[] = [];
  each((text, path, line) => {
    try {
      text.bind(
        line === undefined ? { file, path } : { file, path, line },
        compileText(text.source, context),
      );
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      problems.push(line === undefined ? { path, message } : { path, message, line });
    }
  });
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
}

function compileLayout(pkg: TemplatePackage, ids: ReadonlySet<string>): PrintLayout {
  const { layout, source } = takeParsedLayout(pkg, pkg.files[PRINT_LAYOUT_FILE] ?? '');
  bindAll(PRINT_LAYOUT_FILE, 'print', (bind) =>
    forEachText(layout, (text, path) => bind(text, formatPath(path), source.lineOf(path))),
  );
  const problems: Problem[] = [];
  forEachText(layout, (text, path) => {
    const lint = lintText(text.source);
    const messages = [
      ...lint.problems,
      ...lint.ids.filter((id) => !ids.has(id)).map((id) => `t: no string "${id}" in the locale files`),
    ];
    for (const message of messages)
      problems.push(withLine({ path: formatPath(path), message }, source.lineOf(path)));
  });
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', PRINT_LAYOUT_FILE, problems);
  attachImages(layout, pkg.files);
  return layout;
}

/** data: URIs by checked image (checked images are kept by their text, so a recompile finds them). */
const dataUris = new WeakMap<ImageAsset, string>();

/** The package's images as data: URIs (checked), for the `image` helper of e-mails. */
function imageUris(pkg: TemplatePackage): ReadonlyMap<string, string> {
  const uris = new Map<string, string>();
  for (const [src, image] of checkPackageImages(pkg.files)) {
    let uri = dataUris.get(image);
    if (uri === undefined) {
      uri = `data:image/${image.kind};base64,${image.bytes.toString('base64')}`;
      dataUris.set(image, uri);
    }
    uris.set(src, uri);
  }
  return uris;
}

function compileLocale(
  pkg: TemplatePackage,
  locale: string,
  images: ReadonlyMap<string, string>,
): TemplateRuntime {
  const strings = readLocaleStrings(pkg.files, locale);
  const texts = new Map<string, TemplateText>();
  const problems = Object.entries(strings).flatMap(([id, source]) =>
    lintText(source).problems.map((message) => ({ path: id, message })),
  );
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', localeFile(locale), problems);
  bindAll(localeFile(locale), 'print', (bind) => {
    for (const [id, source] of Object.entries(strings)) {
      const text = new TemplateText(source);
      bind(text, id, undefined);
      texts.set(id, text);
    }
  });
  return Object.freeze({ locale, strings: texts, ...(images.size > 0 ? { images } : {}) });
}

function dataValidator(manifest: Manifest): (data: unknown) => DocumentData {
  const schema = z.fromJSONSchema(manifest.dataSchema as Parameters<typeof z.fromJSONSchema>[0]);
  return (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return data as DocumentData; // the input, not zod's copy: bytes follow the data as given
    throw problemsError('MSV_RENDER_DATA_INVALID', 'document data', problemsFromZod(parsed.error.issues));
  };
}

/** Compiles a package once per version; the result renders any number of documents. */
export function compileTemplate(pkg: TemplatePackage): CompiledTemplate {
  const images = imageUris(pkg);
  const runtimes = new Map(pkg.manifest.locales.map((l) => [l, compileLocale(pkg, l, images)]));
  const ids = new Set<string>();
  for (const r of runtimes.values()) for (const id of r.strings.keys()) ids.add(id);
  const print = pkg.manifest.channels.includes('print') ? compileLayout(pkg, ids) : undefined;
  const validateData = dataValidator(pkg.manifest);
  return Object.freeze({
    name: pkg.name,
    sha256: pkg.sha256,
    manifest: pkg.manifest,
    print,
    email: undefined,
    sms: pkg.manifest.channels.includes('sms') ? compileSms(pkg, ids) : undefined,
    web: compileWeb(pkg, ids),
    validateData,
    runtime(locale: string): TemplateRuntime {
      const runtime = runtimes.get(locale);
      if (runtime) return runtime;
      throw new MissiveError(
        'MSV_TEMPLATE_INVALID',
        `template ${pkg.name} has no locale ${locale} (has ${pkg.manifest.locales.join(', ')})`,
        { file: 'manifest.json', field: 'locales', locale },
      );
    },
  });
}

/** compileTemplate plus the email channel (MJML 5 compiles asynchronously): use it wherever emails render. */
export async function compileTemplateAsync(pkg: TemplatePackage): Promise<CompiledTemplate> {
  const template = compileTemplate(pkg);
  if (!pkg.manifest.channels.includes('email')) return template;
  const ids = new Set(pkg.manifest.locales.flatMap((l) => [...template.runtime(l).strings.keys()]));
  return Object.freeze({ ...template, email: await compileEmail(pkg, ids) });
}
