const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A valid calendar date as YYYY-MM-DD, or undefined. */
export function parseIsoDate(text: string): string | undefined {
  if (!ISO_DATE.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? text : undefined;
}

/** The statement date a run takes by default: the last day of the month before `now` (UTC). */
export function lastDayOfPreviousMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
}
