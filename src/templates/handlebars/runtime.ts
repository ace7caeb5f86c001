import type { TemplateText } from './template-text.ts';

/**
 * What every template evaluation knows besides its data: the locale and that locale's strings.
 * It travels in Handlebars' `data` frame under `missive`, so helpers (`t`, `money`, `date`) read it
 * from `options.data` and the document data itself never has to carry it.
 */
export interface TemplateRuntime {
  readonly locale: string;
  readonly strings: ReadonlyMap<string, TemplateText>;
}

export interface HelperOptionsLike {
  hash: Record<string, unknown>;
  data?: { missive?: TemplateRuntime };
}

/** Handlebars passes its options object as the last argument of every helper call. */
export function splitHelperArgs(args: readonly unknown[]): { params: unknown[]; options: HelperOptionsLike } {
  const options = args.at(-1) as HelperOptionsLike;
  return { params: args.slice(0, -1), options };
}

export function runtimeOf(options: HelperOptionsLike): TemplateRuntime {
  const runtime = options.data?.missive;
  if (!runtime) throw new HelperError('template evaluated without a Missive runtime (locale and strings)');
  return runtime;
}

/** A short description of a value's type for error messages: never the value itself (it may be personal data). */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * What helpers throw for bad arguments. Its message is written by us and never carries data values,
 * so it can be shown as is; other errors thrown during evaluation may quote data and are not.
 */
export class HelperError extends Error {
  override name = 'HelperError';
}
