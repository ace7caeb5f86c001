import { describe, expect, it } from 'vitest';
import { safeNext } from './session.ts';

describe('safeNext: redirects only to a path on this server', () => {
  it('keeps local paths, refuses other hosts and schemes', () => {
    expect(safeNext('/ui/customers/C1?x=1')).toBe('/ui/customers/C1?x=1');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/a b',
      42,
      undefined,
    ]) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});
