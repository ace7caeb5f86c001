import { isMissiveError, MissiveError } from '../../core/errors.ts';
import { InvariantError } from '../../core/invariant.ts';
import type { BrandView } from '../brand/brand-view.ts';
import { HelperError } from './helper-error.ts';

/** Where a template string lives: `print.yaml` `body[3].text`, line 42; or `locales/zh-CN.json` `greeting`. */
export interface TextLocation {
  readonly file: string;
  readonly path: string;
  readonly line?: number;
}

/** A compiled string (env.ts compileText): evaluates with `context` as `this` and `data` as `@` data. */
export type TextDelegate = (context: unknown, data: object) => string;

interface HandlebarsExceptionLike {
  message: string;
  lineNumber?: number;
  column?: number;
  endLineNumber?: number;
  endColumn?: number;
}

/**
 * What every template evaluation knows besides its data: the locale and that locale's strings.
 * It travels in Handlebars' `data` frame under `missive`, so helpers (`t`, `money`, `date`) read it
 * from `options.data` and the document data itself never has to carry it. With a brand, templates
 * read it as `@brand` (`{{@brand.name}}`, `{{@brand.colors.primary}}`), and the locale as `@locale`.
 */
export interface TemplateRuntime {
  readonly locale: string;
  readonly strings: ReadonlyMap<string, TemplateText>;
  /** The run's brand for this locale (brands/<id>/brand.yaml), when the render has one. */
  readonly brand?: BrandView | undefined;
  /** The package's checked images (`images/…` without `.b64`) as data: URIs, for the `image` helper. */
  readonly images?: ReadonlyMap<string, string> | undefined;
}

/**
 * One Handlebars string of a template (a layout field or a locale string). The layout parser creates
 * it from the source; compile.ts binds it once to its compiled delegate and location, so evaluation
 * errors always say which file and path they come from.
 */
export class TemplateText {
  readonly source: string;
  #delegate: TextDelegate | undefined;
  #location: TextLocation | undefined;

  constructor(source: string) {
    this.source = source;
  }

  bind(location: TextLocation, delegate: TextDelegate): void {
    if (this.#delegate)
      throw new InvariantError(`template text at ${location.file} ${location.path} is already bound`);
    this.#location = location;
    this.#delegate = delegate;
  }

  get location(): TextLocation {
    if (!this.#location) throw new InvariantError('template text used before compileTemplate bound it');
    return this.#location;
  }

  /** Evaluates with `context` as `this`; prototype properties and methods stay out of reach. */
  render(context: object, runtime: TemplateRuntime): string {
    const delegate = this.#delegate;
    if (!delegate) throw new InvariantError('template text used before compileTemplate bound it');
    try {
      return delegate(context, { missive: runtime, brand: runtime.brand, locale: runtime.locale });
    } catch (error) {
      if (!runtime.brand && this.source.includes('@brand')) {
        const where = this.location;
        throw new MissiveError(
          'MSV_BRAND_INVALID',
          `${where.file} ${where.path}: reads @brand but the document is rendered without a brand`,
          { file: where.file, field: where.path },
          { cause: error },
        );
      }
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): MissiveError {
    if (isMissiveError(error)) return error; // raised by a nested string (`t`): it knows its own place
    const where = this.location;
    const details = {
      file: where.file,
      field: where.path,
      ...(where.line === undefined ? {} : { line: where.line }),
    };
    const e = error as HandlebarsExceptionLike;
    const missing =
      /^"([^"]+)" not defined in /.exec(e?.message ?? '') ??
      /^Cannot use 'in' operator to search for '([^']+)' in /.exec(e?.message ?? '');
    if (missing) {
      // Handlebars' own message shows the object it looked in, which may be personal data: never reuse it.
      const variable = this.#expressionAt(e) ?? missing[1]!;
      return new MissiveError(
        'MSV_TEMPLATE_VARIABLE_MISSING',
        `${where.file} ${where.path}: "${variable}" is not in the document data (looked up "${missing[1]}")`,
        { ...details, variable },
        { cause: error },
      );
    }
    // Only our helpers' messages are known to be free of data values; others keep just their kind.
    const message =
      error instanceof HelperError || (error instanceof Error && 'lineNumber' in error)
        ? error.message
        : `evaluation failed (${error instanceof Error ? error.name : typeof error})`;
    return new MissiveError('MSV_RENDER_FAILED', `${where.file} ${where.path}: ${message}`, details, {
      cause: error,
    });
  }

  /** The source text of the failing expression (single-line locations only), e.g. `customer.nam`. */
  #expressionAt(e: HandlebarsExceptionLike): string | undefined {
    if (e.lineNumber === undefined || e.lineNumber !== e.endLineNumber) return undefined;
    if (e.column === undefined || e.endColumn === undefined) return undefined;
    const line = this.source.split('\n')[e.lineNumber - 1];
    const text = line
      ?.slice(e.column, e.endColumn)
      .replace(/^\{+|\}+$/g, '')
      .trim();
    return text || undefined;
  }
}
