import { splitHelperArgs } from '../handlebars/runtime.ts';

/**
 * For conditions: `{{#if (eq customer.address.country 'CN')}}…{{/if}}`. Helpers return text, so this
 * is `'true'` when both values are strictly equal and `''` (falsy in `#if`) otherwise.
 */
export function eqHelper(...args: unknown[]): string {
  const { params } = splitHelperArgs(args);
  return params.length === 2 && params[0] === params[1] ? 'true' : '';
}
