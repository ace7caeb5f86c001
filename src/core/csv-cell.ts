/** RFC 4180 quoting when needed: a CSV cell for reject reports and the CLI's CSV output. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
