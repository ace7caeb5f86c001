#!/usr/bin/env node
// The `missive` command. Runs the compiled JavaScript in dist/ (`npm run build`; scripts/bootstrap.sh
// and `npm install` build it), which starts in a fraction of a second. In a development checkout where
// dist/ is missing or older than a source, it says so in one line on stderr and runs the TypeScript
// sources through tsx instead (slow to start, but never stale). MISSIVE_FROM_SOURCE=1 runs the sources
// without the message.
import { fileURLToPath } from 'node:url';
import { findStaleSource } from './dist-freshness.mjs';

const root = new URL('..', import.meta.url);
const fromSource = process.env.MISSIVE_FROM_SOURCE === '1';
const freshness = fromSource ? { stale: true } : findStaleSource(fileURLToPath(root));
let main;
if (freshness.stale) {
  if (!fromSource) {
    process.stderr.write(
      `missive: ${freshness.reason}; running the sources through tsx (slow start) — \`npm run build\` fixes it\n`,
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('src/cli/index.ts', root).href));
} else {
  ({ main } = await import(new URL('dist/cli/index.js', root).href));
}
process.exitCode = await main(process.argv);
