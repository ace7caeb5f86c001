#!/usr/bin/env node
// The `missive` command. Runs the TypeScript sources through tsx's loader so a fresh clone needs no
// build step; `npm run build` still emits plain JavaScript to dist/ for those who want it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv);
