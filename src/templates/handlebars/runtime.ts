import type { BrandView } from '../brand/brand-view.ts';
import { HelperError } from './helper-error.ts';
import type { TemplateRuntime } from './template-text.ts';

export type { TemplateRuntime };
export { HelperError };

const branded = new WeakMap<TemplateRuntime, Map<BrandView, TemplateRuntime>>();

/** The runtime with the brand's view added, made once per runtime and brand view. */
export function withBrand(runtime: TemplateRuntime, brand: BrandView | undefined): TemplateRuntime {
  if (!brand) return runtime;
  let perBrand = branded.get(runtime);
  if (!perBrand) {
    perBrand = new Map();
    branded.set(runtime, perBrand);
  }
  let out = perBrand.get(brand);
  if (!out) {
    out = Object.freeze({ ...runtime, brand });
    perBrand.set(brand, out);
  }
  return out;
}

export interface HelperOptionsLike {
  hash: Record<string, unknown>;
  data?: { missive?: TemplateRuntime; brand?: BrandView; locale?: string };
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
