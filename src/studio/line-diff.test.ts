import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffHunks, diffLines } from './line-diff.ts';

describe('diffLines', () => {
  it('marks the changed line between unchanged ones', () => {
    expect(diffLines('a\nb\nc\n', 'a\nB\nc\n')).toEqual([
      { kind: 'same', text: 'a', a: 1, b: 1 },
      { kind: 'del', text: 'b', a: 2 },
      { kind: 'add', text: 'B', b: 2 },
      { kind: 'same', text: 'c', a: 3, b: 3 },
    ]);
  });

  it('rebuilds both texts from the diff (property)', () => {
    const text = fc.array(fc.constantFrom('x', 'y', 'z', ''), { maxLength: 30 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = diffLines(a, b);
        const norm = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
        expect(d.filter((l) => l.kind !== 'add').map((l) => l.text)).toEqual(norm(a));
        expect(d.filter((l) => l.kind !== 'del').map((l) => l.text)).toEqual(norm(b));
      }),
    );
  });
});

describe('diffHunks', () => {
  it('keeps three lines of context and splits distant changes', () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const b = a.replace('line 2\n', 'line two\n').replace('line 25\n', 'line twenty-five\n');
    const hunks = diffHunks(a, b);
    expect(hunks).toHaveLength(2);
    expect(hunks[0]).toMatchObject({ aStart: 1, bStart: 1 });
    expect(hunks[1]!.lines.map((l) => l.text)).toEqual([
      'line 22',
      'line 23',
      'line 24',
      'line 25',
      'line twenty-five',
      'line 26',
      'line 27',
      'line 28',
    ]);
    expect(diffHunks(a, a)).toEqual([]);
  });
});
