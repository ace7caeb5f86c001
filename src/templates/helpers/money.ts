import { HelperError, kindOf, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';

const formats = new Map<string, Intl.NumberFormat>();

/** `1234.5, 'CNY', 'zh-CN'` → `¥1,234.50`; `'GBP', 'en-GB'` → `£1,234.50`. Formatters are cached per locale × currency. */
export function formatMoney(value: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  return format.format(value);
}

/** `{{money amount account.currency}}`: an amount in major units (1234.5), formatted for the document's locale. */
export function moneyHelper(...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [value, currency] = params;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HelperError(`money: the amount must be a number, got ${kindOf(value)}`);
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new HelperError('money: the second argument must be an ISO 4217 currency code such as GBP or CNY');
  }
  return formatMoney(value, currency, runtimeOf(options).locale);
}
