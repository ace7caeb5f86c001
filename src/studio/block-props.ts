import YAML, { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { MissiveError } from '../core/errors.ts';
import { parseCondition, toPoints } from '../templates/index.ts';
import { parsedYaml } from './parsed-yaml.ts';

/**
 * A body block's spacing and visibility on the canvas (issue 21 item 1): `spaceBefore`/`spaceAfter`
 * in millimetres and the `when:` condition the rule builder writes. The yaml Document API finds the
 * block's keys; only their text is replaced, added (after the block's last key) or removed, so every
 * other line of print.yaml stays as the author wrote it.
 */
type DraftFiles = Readonly<Record<string, string>>;

/** What the block form shows. */
export interface BlockProps {
  type: string;
  /** How many blocks the body has. */
  count: number;
  /** In millimetres, rounded to 0.1; undefined when the block has none. */
  spaceBefore: number | undefined;
  spaceAfter: number | undefined;
  when: string | undefined;
}

/** The spacing the form accepts, in millimetres. */
export const MAX_SPACE_MM = 50;
const MM = 72 / 25.4;

function badInput(field: string, message: string): MissiveError {
  return new MissiveError('MSV_API_BAD_REQUEST', `${field}: ${message}`, { field });
}

function bodyItem(
  source: string,
  index: number,
): { doc: YAML.Document.Parsed; item: YAMLMap; count: number } {
  const doc = parsedYaml(source);
  if (doc.errors.length > 0) throw badInput('print.yaml', `does not parse: ${doc.errors[0]?.message ?? ''}`);
  const body = doc.get('body', true);
  if (!isSeq(body)) throw badInput('print.yaml', 'has no body list');
  const item = body.items[index];
  if (!Number.isInteger(index) || !isMap(item))
    throw badInput('block', `not a body block (0..${body.items.length - 1})`);
  return { doc, item, count: body.items.length };
}

function mm(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const pt = toPoints(value);
  return pt === undefined ? undefined : Math.round((pt / MM) * 10) / 10;
}

/** Body block `index`'s type, spacing (mm) and condition as print.yaml has them. */
export function blockPropsOf(files: DraftFiles, index: number): BlockProps {
  const { item, count } = bodyItem(files['print.yaml'] ?? '', index);
  const when = item.get('when');
  return {
    type: String(item.get('type') ?? ''),
    count,
    spaceBefore: mm(item.get('spaceBefore')),
    spaceAfter: mm(item.get('spaceAfter')),
    when: typeof when === 'string' ? when : undefined,
  };
}

function end(source: string, node: Node): number {
  let at = node.range?.[1] ?? 0;
  while (at > (node.range?.[0] ?? 0) && /\s/.test(source[at - 1] ?? '')) at--;
  return at;
}

/** The text change for setting (or, with undefined, removing) `key` of the map `item`. */
function splice(
  source: string,
  item: YAMLMap,
  key: string,
  text: string | undefined,
): [number, number, string] {
  const pairs = item.items.filter(isPair) as Pair<Node, Node>[];
  const i = pairs.findIndex((p) => isScalar(p.key) && p.key.value === key);
  const pair = pairs[i];
  if (pair?.value && text !== undefined) return [pair.value.range?.[0] ?? 0, end(source, pair.value), text];
  if (pair?.value) {
    const before = pairs[i - 1]?.value;
    if (item.flow) {
      // `, key: value` (or `key: value, ` when it is the first).
      const next = pairs[i + 1]?.key;
      if (before) return [end(source, before), end(source, pair.value), ''];
      return [pair.key.range?.[0] ?? 0, next?.range?.[0] ?? end(source, pair.value), ''];
    }
    const start = source.lastIndexOf('\n', (pair.key.range?.[0] ?? 0) - 1) + 1;
    const stop = source.indexOf('\n', end(source, pair.value));
    return [start, stop < 0 ? source.length : stop + 1, ''];
  }
  if (text === undefined) return [0, 0, ''];
  const last = pairs.at(-1)?.value;
  if (!last) throw badInput('block', 'is empty; edit it in the code view');
  const at = end(source, last);
  if (item.flow) return [at, at, `, ${key}: ${text}`];
  const keyStart = pairs[0]?.key.range?.[0] ?? 0;
  const indent = keyStart - (source.lastIndexOf('\n', keyStart - 1) + 1);
  const lineEnd = source.indexOf('\n', at);
  const where = lineEnd < 0 ? source.length : lineEnd;
  return [where, where, `\n${' '.repeat(indent)}${key}: ${text}`];
}

/** A value as YAML text: plain when it is a simple word, else double-quoted (JSON is valid YAML). */
function yamlText(value: string): string {
  return /^[A-Za-z_$][\w$.]*$|^\d+(\.\d+)?mm$/.test(value) ? value : JSON.stringify(value);
}

function checkSpace(field: string, value: string): string | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d)?$/.test(text) || !(n >= 0 && n <= MAX_SPACE_MM))
    throw badInput(field, `a number of millimetres from 0 to ${MAX_SPACE_MM}, at most one decimal`);
  return `${n}mm`;
}

function checkWhen(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (!parseCondition(text)) throw badInput('when', "not a condition (customer.segment == 'gold', !offers)");
  return text;
}

/**
 * print.yaml with body block `index`'s spacing (mm, empty removes it) and condition (empty removes it)
 * set as given.
 * @throws MissiveError MSV_API_BAD_REQUEST for a value out of range, or an edit print.yaml does not take.
 */
export function setBlockProps(
  files: DraftFiles,
  index: number,
  props: { spaceBefore: string; spaceAfter: string; when: string },
): Record<string, string> {
  const values: Record<string, string | undefined> = {
    spaceBefore: checkSpace('spaceBefore', props.spaceBefore),
    spaceAfter: checkSpace('spaceAfter', props.spaceAfter),
    when: checkWhen(props.when),
  };
  let yaml = files['print.yaml'] ?? '';
  const { item: before } = bodyItem(yaml, index);
  const want = { ...(before.toJSON() as Record<string, unknown>) };
  for (const [key, value] of Object.entries(values)) {
    const { item } = bodyItem(yaml, index);
    const current = item.get(key);
    if (value === undefined ? current === undefined : current === value) continue;
    const [start, stop, text] = splice(yaml, item, key, value === undefined ? undefined : yamlText(value));
    yaml = yaml.slice(0, start) + text + yaml.slice(stop);
    if (value === undefined) delete want[key];
    else want[key] = value;
  }
  const { item: after } = bodyItem(yaml, index);
  if (JSON.stringify(after.toJSON()) !== JSON.stringify(want))
    throw badInput('block', 'print.yaml could not take that change by its lines; make it in the code view');
  return yaml === files['print.yaml'] ? {} : { 'print.yaml': yaml };
}
