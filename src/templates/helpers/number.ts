import { HelperError, kindOf, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';

const formats = new Map<string, Intl.NumberFormat>();

/** Grouped by locale, with a fixed number of decimals when given. */
export function formatNumber(value: number, locale: string, decimals?: number): string {
  const key = `${locale}|${decimals ?? ''}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(
      locale,
      decimals === undefined ? {} : { minimumFractionDigits: decimals, maximumFractionDigits: decimals },
    );
    formats.set(key, format);
  }
  return format.format(value);
}

/** `{{number count}}` or `{{number rate 2}}`. */
export function numberHelper(...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [value, decimals] = params;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HelperError(`number: expected a number, got ${kindOf(value)}`);
  }
  if (
    decimals !== undefined &&
    !(Number.isInteger(decimals) && (decimals as number) >= 0 && (decimals as number) <= 10)
  ) {
    throw new HelperError('number: decimals must be an integer from 0 to 10');
  }
  return formatNumber(value, runtimeOf(options).locale, decimals as number | undefined);
}
