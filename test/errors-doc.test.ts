import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/errors.ts';

/** docs/errors.md lists every code with its meaning; this keeps code and docs from drifting apart. */
describe('docs/errors.md', () => {
  const doc = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(MSV_[A-Z_]+)` +\|/gm)].map((m) => m[1] ?? ''));

  it('documents every error code', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const stale = [...documented].filter((code) => !(code in ERROR_CODES));
    expect(stale).toEqual([]);
  });
});
