import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORPHAN_GUARD, sandboxExecArgv } from './sandbox-fork.ts';

describe('sandboxExecArgv', () => {
  it("keeps the parent's flags, drops its debugger ones, and preloads the orphan guard last", () => {
    expect(sandboxExecArgv(['--import', 'tsx', '--inspect=9229', '--max-old-space-size=2048'])).toEqual([
      '--import',
      'tsx',
      '--max-old-space-size=2048',
      '--import',
      ORPHAN_GUARD,
    ]);
    expect(fs.existsSync(ORPHAN_GUARD)).toBe(true);
  });
});
