import { lastDayOfPreviousMonth, parseIsoDate } from './dates.ts';
import { MissiveError } from './errors.ts';

/**
 * The `--as-of` option of run, decide, feeds, offers and preview: a date YYYY-MM-DD, by default the
 * last day of the previous month; also the `asOf` of `POST /runs`. In core because the CLI and the API
 * both read it, and a module of its own so that they load nothing else to read a date (issue 18).
 * @throws MissiveError MSV_CONFIG_INVALID (field `--as-of`, exit 2) for anything but a calendar date.
 */
export function parseAsOf(value: string | undefined): string {
  if (value === undefined) return lastDayOfPreviousMonth(new Date());
  const date = parseIsoDate(value);
  if (!date)
    throw new MissiveError('MSV_CONFIG_INVALID', `--as-of must be a date YYYY-MM-DD, got "${value}"`, {
      field: '--as-of',
    });
  return date;
}
