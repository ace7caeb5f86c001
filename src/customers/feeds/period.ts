/** Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC: pure, no clock. */

const parts = (date: string): [number, number, number] => {
  const [y, m, d] = date.split('-').map(Number);
  return [y!, m!, d!];
};
const iso = (time: number): string => new Date(time).toISOString().slice(0, 10);

/** The first day of the date's month. */
export function monthStart(date: string): string {
  const [y, m] = parts(date);
  return iso(Date.UTC(y, m - 1, 1));
}

/** The last day of the date's month. */
export function monthEnd(date: string): string {
  const [y, m] = parts(date);
  return iso(Date.UTC(y, m, 0));
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return iso(Date.UTC(y, m - 1, d + days));
}

/** Months later (or earlier), kept within the target month: 31 Jan + 1 month = 28/29 Feb. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return iso(Date.UTC(y, m - 1 + months, Math.min(d, last)));
}

/** The first days of the `count` months ending with the date's month, oldest first. */
export function monthsEnding(date: string, count: number): string[] {
  const [y, m] = parts(date);
  return Array.from({ length: count }, (_, i) => iso(Date.UTC(y, m - count + i, 1)));
}
