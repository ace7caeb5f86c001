import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/core/error-codes.ts';

/**
 * The table in src/core/error-codes.ts and the code agree: every code in it is raised (thrown,
 * answered or recorded as a quoted literal) somewhere in src, every code src raises is in it, and
 * src throws no plain `Error` (a programming error is an InvariantError, src/core/invariant.ts).
 */
const SRC = path.resolve(import.meta.dirname, '../src');
const TABLE = path.join(SRC, 'core', 'error-codes.ts');

/** Codes kept in the table although nothing raises them yet, each with why. None today. */
const RESERVED: Readonly<Record<string, string>> = {};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    // Server code only: the browser's scripts (api/ui/assets) never see a MissiveError.
    const source = /\.(ts|mts|mjs)$/.test(entry.name) && !/\.test\.[cm]?[jt]s$/.test(entry.name);
    return source && file !== TABLE ? [file] : [];
  });
}

interface Hit {
  code: string;
  where: string;
}

function scan(pattern: RegExp): Hit[] {
  return sourceFiles(SRC).flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        [...line.matchAll(pattern)].map((m) => ({
          code: m[1] ?? m[0],
          where: `${path.relative(SRC, file)}:${i + 1}`,
        })),
      ),
  );
}

describe('error codes raised in src', () => {
  // A quoted code; a prefix such as 'MSV_PORTAL_' (ends in _) is not one.
  const raised = scan(/['"`](MSV_[A-Z0-9_]*[A-Z0-9])['"`]/g);
  const raisedCodes = new Set(raised.map((h) => h.code));

  it('raises every code of the table (or the table reserves it with a reason)', () => {
    const never = Object.keys(ERRORS).filter((code) => !raisedCodes.has(code) && !(code in RESERVED));
    expect(never).toEqual([]);
  });

  it('reserves only codes that are in the table and that nothing raises', () => {
    for (const code of Object.keys(RESERVED)) {
      expect(code in ERRORS).toBe(true);
      expect(raisedCodes.has(code)).toBe(false);
    }
  });

  it('raises no code that is missing from the table', () => {
    const unknown = raised.filter((h) => !(h.code in ERRORS)).map((h) => `${h.where} ${h.code}`);
    expect(unknown).toEqual([]);
  });

  it('throws no plain Error: user-facing errors are MissiveErrors, programming errors InvariantErrors', () => {
    const plain = scan(/\bnew Error\(|\bthrow Error\(/g).map((h) => h.where);
    expect(plain).toEqual([]);
  });
});
