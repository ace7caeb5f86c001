/**
 * A line diff of two texts by longest common subsequence, grouped into hunks with context lines.
 * Hand-written: the `diff` package is not among the project's dependencies and a template file is at
 * most a few thousand lines, so the O(n·m) table is small. Beyond MAX_CELLS the files are reported as
 * wholly replaced rather than spending seconds on a diff nobody reads line by line.
 */
export type DiffLine = { kind: 'same' | 'add' | 'del'; text: string; a?: number; b?: number };

export interface DiffHunk {
  /** 1-based first lines in a and b. */
  aStart: number;
  bStart: number;
  lines: DiffLine[];
}

const MAX_CELLS = 4_000_000;

export function diffLines(a: string, b: string): DiffLine[] {
  const x = splitLines(a);
  const y = splitLines(b);
  // Common prefix and suffix first: an edit usually touches a few lines of a long file.
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start += 1;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX -= 1;
    endY -= 1;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i += 1) out.push({ kind: 'same', text: x[i]!, a: i + 1, b: i + 1 });
  const n = endX - start;
  const m = endY - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endX; i += 1) out.push({ kind: 'del', text: x[i]!, a: i + 1 });
    for (let j = start; j < endY; j += 1) out.push({ kind: 'add', text: y[j]!, b: j + 1 });
  } else {
    // lcs[i][j] = length of the LCS of x[start+i..endX) and y[start+j..endY), in one flat array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        lcs[i * w + j] =
          x[start + i] === y[start + j]
            ? lcs[(i + 1) * w + j + 1]! + 1
            : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[start + i] === y[start + j]) {
        out.push({ kind: 'same', text: x[start + i]!, a: start + i + 1, b: start + j + 1 });
        i += 1;
        j += 1;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        out.push({ kind: 'del', text: x[start + i]!, a: start + i + 1 });
        i += 1;
      } else {
        out.push({ kind: 'add', text: y[start + j]!, b: start + j + 1 });
        j += 1;
      }
    }
  }
  for (let k = 0; k < x.length - endX; k += 1) {
    out.push({ kind: 'same', text: x[endX + k]!, a: endX + k + 1, b: endY + k + 1 });
  }
  return out;
}

/** The changed lines with `context` unchanged lines around them, as hunks; [] when equal. */
export function diffHunks(a: string, b: string, context = 3): DiffHunk[] {
  const lines = diffLines(a, b);
  const keep = new Uint8Array(lines.length);
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k += 1)
      keep[k] = 1;
  });
  const hunks: DiffHunk[] = [];
  let current: DiffLine[] = [];
  lines.forEach((line, index) => {
    if (keep[index]) current.push(line);
    else if (current.length > 0) {
      hunks.push(toHunk(current));
      current = [];
    }
  });
  if (current.length > 0) hunks.push(toHunk(current));
  return hunks;
}

function toHunk(lines: DiffLine[]): DiffHunk {
  return {
    aStart: lines.find((l) => l.a !== undefined)?.a ?? 0,
    bStart: lines.find((l) => l.b !== undefined)?.b ?? 0,
    lines,
  };
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
