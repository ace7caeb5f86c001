/**
 * One CSV cell (RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled), for
 * print manifests, reject reports and the CLI's CSV output. Hand-written because the project has
 * csv-parse but no writer, and this is the whole of it. A string starting with = + - @ or a tab/CR
 * gets a leading apostrophe, so a spreadsheet opening the file never runs a customer's address line
 * or a rejected row's value as a formula (OWASP "CSV injection").
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF line ending. */
export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
