/**
 * JSON columns are text in both databases. Written canonically (object keys sorted), so equal
 * values give equal text and equal hashes; parsed at the repository edge.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** Parses a JSON column as T (no validation: the store wrote it). */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function nowIso(): string {
  return new Date().toISOString();
}
