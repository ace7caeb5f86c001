import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, MERGED_CODES } from '../src/core/error-codes.ts';

/**
 * docs/errors.md is generated from the table in src/core/error-codes.ts (scripts/errors-doc.ts):
 * every code with its HTTP status and meaning, and the codes merged into another.
 */
describe('docs/errors.md', () => {
  const doc = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(MSV_[A-Z_]+)` +\| +(\d+) +\| (.*?) +\|$/gm)].map((m) => ({
    code: m[1] ?? '',
    statusCode: Number(m[2]),
    message: m[3] ?? '',
  }));
  const documented = new Set(rows.map((r) => r.code));

  it('documents every error code', () => {
    const missing = Object.keys(ERRORS).filter((code) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const stale = [...documented].filter((code) => !(code in ERRORS));
    expect(stale).toEqual([]);
  });

  it("gives each code the table's HTTP status and meaning, in the table's order", () => {
    const table = Object.entries(ERRORS).map(([code, { statusCode, message }]) => ({
      code,
      statusCode,
      message,
    }));
    expect(rows).toEqual(table);
  });

  it('names every merged code with the code that replaced it, and never as a current code', () => {
    for (const [old, { into }] of Object.entries(MERGED_CODES)) {
      expect(doc).toContain(`- \`${old}\``);
      expect(doc).toContain(`is now \`${into}\``);
      expect(old in ERRORS).toBe(false);
      expect(into in ERRORS).toBe(true);
    }
  });
});
