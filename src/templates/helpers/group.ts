import { HelperError, kindOf, splitHelperArgs } from '../handlebars/runtime.ts';

/**
 * An account identifier in its paper format: groups of `size` characters separated by spaces, as
 * an IBAN is printed (ISO 13616: `GB52 MSVB 0226 6493 3313 77`) and as Chinese banks print an
 * account or card number (`6222 0206 0429 2377`). Spaces already in the value are dropped first.
 */
export function groupCharacters(value: string, size = 4): string {
  const compact = value.replace(/\s+/g, '');
  return compact.match(new RegExp(`.{1,${size}}`, 'gu'))?.join(' ') ?? '';
}

/** `{{group account.iban}}` or `{{group card.number 4}}`. */
export function groupHelper(...args: unknown[]): string {
  const { params } = splitHelperArgs(args);
  const [value, size = 4] = params;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new HelperError(`group: expected a string or number, got ${kindOf(value)}`);
  }
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 8) {
    throw new HelperError('group: the group size must be an integer from 1 to 8');
  }
  return groupCharacters(String(value), size as number);
}
