import { HelperError, kindOf, splitHelperArgs } from '../handlebars/runtime.ts';

/**
 * Hides all but the last `visible` digits: `6222021234567890` → `**** 7890`. Only digits count, so
 * `20-45-67 12345678` → `**** 5678`. Fewer digits than `visible` are all hidden.
 */
export function maskDigits(value: string, visible = 4): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= visible) return '*'.repeat(Math.max(digits.length, 4));
  return `**** ${digits.slice(-visible)}`;
}

/** `{{mask account.number}}` or `{{mask card.number 2}}`. */
export function maskHelper(...args: unknown[]): string {
  const { params } = splitHelperArgs(args);
  const [value, visible = 4] = params;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new HelperError(`mask: expected a string or number, got ${kindOf(value)}`);
  }
  if (!Number.isInteger(visible) || (visible as number) < 0 || (visible as number) > 8) {
    throw new HelperError('mask: visible digits must be an integer from 0 to 8');
  }
  return maskDigits(String(value), visible as number);
}
