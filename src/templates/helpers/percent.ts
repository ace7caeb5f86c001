import { HelperError, kindOf, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';

const formats = new Map<string, Intl.NumberFormat>();

/** A fraction as a percentage in the locale's style: 0.035 → "3.5%" (en-GB) / "3.5%" (zh-CN). */
export function formatPercent(fraction: number, locale: string, decimals?: number): string {
  const key = `${locale}|${decimals ?? ''}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'percent',
      ...(decimals === undefined
        ? { maximumFractionDigits: 2 }
        : { minimumFractionDigits: decimals, maximumFractionDigits: decimals }),
    });
    formats.set(key, format);
  }
  return format.format(fraction);
}

/** `{{percent rate}}` or `{{percent rate 1}}`: `rate` is a fraction (0.035 is 3.5 %). */
export function percentHelper(...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [value, decimals] = params;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HelperError(`percent: expected a number, got ${kindOf(value)}`);
  }
  if (
    decimals !== undefined &&
    !(Number.isInteger(decimals) && (decimals as number) >= 0 && (decimals as number) <= 6)
  ) {
    throw new HelperError('percent: decimals must be an integer from 0 to 6');
  }
  return formatPercent(value, runtimeOf(options).locale, decimals as number | undefined);
}
