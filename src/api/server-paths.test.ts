import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutServerPaths } from './server-paths.ts';

describe('withoutServerPaths', () => {
  it('shortens paths under the machine’s folders to their last part', () => {
    const here = path.resolve('templates', 'monthly-statment');
    expect(withoutServerPaths(`${here}: no template package folder`)).toBe(
      '…/monthly-statment: no template package folder',
    );
    const tmp = path.join(os.tmpdir(), 'missive-x', 'archive', 'ab.pdf');
    expect(withoutServerPaths(`cannot read "${tmp}"`)).toBe('cannot read "…/ab.pdf"');
    expect(withoutServerPaths('open C:\\missive\\data\\x.sqlite failed')).toBe('open …\\x.sqlite failed');
  });

  it('leaves URL paths, relative paths and plain text alone', () => {
    for (const text of [
      'no route GET /api/runs/run_1/pause',
      'see /ui/runs and /docs',
      'templates/monthly-statement has no print.yaml',
      'https://example.test/tmp/x',
      'rate 3/4 done',
    ])
      expect(withoutServerPaths(text)).toBe(text);
  });
});
