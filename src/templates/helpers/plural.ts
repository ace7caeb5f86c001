import { HelperError, kindOf, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';
import { formatNumber } from './number.ts';

const rules = new Map<string, Intl.PluralRules>();

function pluralRules(locale: string): Intl.PluralRules {
  let r = rules.get(locale);
  if (!r) {
    r = new Intl.PluralRules(locale);
    rules.set(locale, r);
  }
  return r;
}

/**
 * `{{plural count one='# transaction' other='# transactions'}}`: the form the locale's plural rules
 * (Intl.PluralRules: zero, one, two, few, many, other) choose for `count`, with `#` replaced by the
 * count formatted for the locale. `other` is required; zh-CN always uses it. An exact `=0` form can
 * be given as `zero`, and is used for 0 in every locale.
 */
export function pluralHelper(...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [count] = params;
  if (typeof count !== 'number' || !Number.isFinite(count)) {
    throw new HelperError(`plural: expected a number, got ${kindOf(count)}`);
  }
  const forms = options.hash as Record<string, unknown>;
  if (typeof forms.other !== 'string') throw new HelperError("plural: other='…' is required");
  const locale = runtimeOf(options).locale;
  const category = count === 0 && typeof forms.zero === 'string' ? 'zero' : pluralRules(locale).select(count);
  const form = typeof forms[category] === 'string' ? (forms[category] as string) : forms.other;
  return form.replaceAll('#', formatNumber(count, locale));
}
