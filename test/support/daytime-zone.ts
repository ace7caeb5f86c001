/**
 * An IANA zone (`Etc/GMT±N`) where it is now about midday. The bank catalog sends no marketing SMS
 * in a customer's quiet hours (21:00–08:00 in their own time zone), so a test that expects SMS to
 * arrive gives its customers this zone instead of passing or failing with the hour CI runs at.
 * (`Etc/GMT-5` is UTC+5: the POSIX sign is inverted.)
 */
export function daytimeZone(now: Date = new Date()): string {
  const offset = 12 - now.getUTCHours(); // from +12 (at 00:xx UTC) to −11 (at 23:xx UTC)
  if (offset === 0) return 'Etc/UTC';
  return `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
