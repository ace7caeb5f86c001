import YAML, { isMap, isScalar, isSeq, type Node } from 'yaml';
import { MissiveError } from '../core/errors.ts';

/**
 * Reordering the body's blocks on the canvas (issue 21 item 1: drag a block, or move it up/down). The
 * yaml Document API finds each body item; the edit moves the item's own lines in print.yaml — its
 * leading comment and the blank line above it go with it — so every other line, flow style and
 * comment stays as the author wrote it, and the code view shows a diff a reviewer can read.
 */
type DraftFiles = Readonly<Record<string, string>>;

function badInput(field: string, message: string): MissiveError {
  return new MissiveError('MSV_API_BAD_REQUEST', `${field}: ${message}`, { field });
}

/** The body's items, and where the line after `body:` starts. */
function bodyOf(source: string): { items: Node[]; floor: number } {
  const doc = YAML.parseDocument(source);
  if (doc.errors.length > 0) throw badInput('print.yaml', `does not parse: ${doc.errors[0]?.message ?? ''}`);
  const pair = isMap(doc.contents)
    ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'body')
    : undefined;
  if (!pair || !isSeq(pair.value) || !isScalar(pair.key) || !pair.key.range)
    throw badInput('print.yaml', 'has no body list');
  return { items: pair.value.items as Node[], floor: source.indexOf('\n', pair.key.range[1]) + 1 };
}

function isBlankOrComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

/**
 * Each body item's text: from the first blank or comment line above its dash (down from where the
 * item before it ended) to just after the line break ending its last line.
 */
export function itemSegments(source: string, items: readonly Node[], bodyLine: number): [number, number][] {
  const out: [number, number][] = [];
  let floor = bodyLine;
  for (const item of items) {
    if (!item.range) throw badInput('print.yaml', 'a body block has no position');
    let end = item.range[1];
    while (end > item.range[0] && /\s/.test(source[end - 1] ?? '')) end--;
    const lineEnd = source.indexOf('\n', end);
    const stop = lineEnd < 0 ? source.length : lineEnd + 1;
    let start = source.lastIndexOf('\n', item.range[0] - 1) + 1;
    while (start > floor) {
      const above = source.lastIndexOf('\n', start - 2) + 1;
      if (above < floor || !isBlankOrComment(source.slice(above, start))) break;
      start = above;
    }
    out.push([start, stop]);
    floor = stop;
  }
  return out;
}

/** Where block `from` ends up when dropped before or after block `target` (indices of the body). */
export function dropIndex(from: number, target: number, place: 'before' | 'after'): number {
  const at = place === 'before' ? target : target + 1;
  return from < at ? at - 1 : at;
}

/**
 * print.yaml with body block `from` moved to index `to` (its index after the move); the changed file
 * and the moved block's new path.
 * @throws MissiveError MSV_API_BAD_REQUEST when either is not a body block, or print.yaml does not
 * take the move (then it is for the code view).
 */
export function moveBlock(
  files: DraftFiles,
  from: number,
  to: number,
): { changes: Record<string, string>; path: string } {
  const original = files['print.yaml'];
  if (original === undefined) throw badInput('print.yaml', 'the draft has no print layout');
  const source = original.endsWith('\n') ? original : `${original}\n`;
  const { items, floor } = bodyOf(source);
  for (const [field, n] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!Number.isInteger(n) || n < 0 || n >= items.length)
      throw badInput(field, `not a body block (0..${items.length - 1})`);
  const segments = itemSegments(source, items, floor);
  for (let i = 1; i < segments.length; i++)
    if (segments[i]?.[0] !== segments[i - 1]?.[1])
      throw badInput(
        'print.yaml',
        'has lines between body blocks that are not comments; move it in the code view',
      );
  const order = items.map((_, i) => i);
  order.splice(to, 0, ...order.splice(from, 1));
  const first = segments[0]?.[0] ?? 0;
  const last = segments.at(-1)?.[1] ?? source.length;
  const moved = order.map((i) => source.slice(...(segments[i] ?? [0, 0]))).join('');
  let yaml = source.slice(0, first) + moved + source.slice(last);
  if (!original.endsWith('\n')) yaml = yaml.slice(0, -1);
  const want = order.map((i) => items[i]?.toJSON());
  const got = bodyOf(yaml).items.map((item) => item.toJSON());
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw badInput('print.yaml', 'could not move that block by its lines; move it in the code view');
  return { changes: { 'print.yaml': yaml }, path: `body[${to}]` };
}
