// Is dist/ (the compiled CLI) current with src/? Shared by bin/missive.js, which runs dist/ only when it
// is, and scripts/build.mjs --if-stale. Plain JavaScript: it runs before anything is compiled.
import fs from 'node:fs';
import path from 'node:path';

/** Written by scripts/build.mjs into dist/, dated when that build started. */
export const STAMP = '.build-stamp';

/** What decides the compiled output besides src/ itself. */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];

/**
 * `stale` when dist/ was never built (no stamp) or a source (not a test) changed after the build
 * started; `reason` says which, for the one line the CLI prints. A checkout without src/ (a published
 * package) is never stale. Costs a stat per source file: a few milliseconds for Missive's ~400.
 * @param {string} root the repository (or installation) folder
 * @returns {{ stale: boolean, reason?: string }}
 */
export function findStaleSource(root) {
  const src = path.join(root, 'src');
  if (!fs.existsSync(src)) return { stale: false };
  let built;
  try {
    built = fs.statSync(path.join(root, 'dist', STAMP)).mtimeMs;
  } catch {
    return { stale: true, reason: 'dist/ is not built' };
  }
  for (const name of CONFIG_FILES) {
    const file = path.join(root, name);
    if (fs.existsSync(file) && fs.statSync(file).mtimeMs > built) {
      return { stale: true, reason: `${name} changed after dist/ was built` };
    }
  }
  const newer = newerSource(src, built);
  if (newer) return { stale: true, reason: `${path.relative(root, newer)} changed after dist/ was built` };
  return { stale: false };
}

/** The first file under `dir` (tests aside) modified after `since`, or undefined. */
function newerSource(dir, since) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerSource(file, since);
      if (found) return found;
    } else if (!entry.name.endsWith('.test.ts') && fs.statSync(file).mtimeMs > since) {
      return file;
    }
  }
  return undefined;
}
