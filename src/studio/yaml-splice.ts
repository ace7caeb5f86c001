import YAML, { type Node } from 'yaml';

/**
 * Edits a YAML file where its nodes are: the yaml library's Document API finds the nodes and writes the
 * new ones, and only their text is replaced, so every other line (comments, flow style, line breaks as
 * the author left them) stays byte for byte. A whole-document `toString()` re-flows the monthly
 * statement's print.yaml (163–184 changed lines with any options), which a reviewer's diff cannot read.
 */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Where a node's value starts and ends in the source (trailing line breaks and spaces left out). */
export function valueSpan(source: string, node: Node): [number, number] | undefined {
  const range = node.range;
  if (!range) return undefined;
  let end = range[1];
  while (end > range[0] && /\s/.test(source[end - 1] ?? '')) end--;
  return [range[0], end];
}

/**
 * A sequence item's whole lines: from the start of the line its dash is on to just after the line
 * break that ends its value (a comment at the end of that line goes with it).
 */
export function itemLines(source: string, node: Node): [number, number] | undefined {
  const span = valueSpan(source, node);
  if (!span) return undefined;
  const start = source.lastIndexOf('\n', span[0] - 1) + 1;
  const lineEnd = source.indexOf('\n', span[1]);
  return [start, lineEnd < 0 ? source.length : lineEnd + 1];
}

/** The source with each splice applied (they must not overlap). */
export function applySplices(source: string, splices: readonly Splice[]): string {
  let out = source;
  for (const s of [...splices].sort((a, b) => b.start - a.start))
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** A plain object written as a one-line YAML flow map, `{ id: x, header: "{{t 'k'}}" }`. */
export function flowMap(value: Record<string, unknown>): string {
  const doc = new YAML.Document(value);
  if (YAML.isMap(doc.contents)) doc.contents.flow = true;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true }).trimEnd();
}
