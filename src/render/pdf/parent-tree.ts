/**
 * The structure tree root's ParentTree (a number tree: each page's StructParents key → the structure
 * element of each of its MCIDs), printed as pdfkit's PDFNumberTree prints it but from the elements'
 * object numbers, without converting every reference through pdfkit's PDFObject.convert (issue 22
 * performance). pdfkit still owns the tree: its keys come from the pages' `structParentTreeKey`.
 */

/** pdfkit's PDFNumberTree: its items (key → array) and `toString`, which the writer calls. */
export interface NumberTree {
  _items: Record<string, unknown[]>;
  limits: boolean;
  toString(): string;
}

/** A parent-tree item's entry: the object number of an MCID's element, or null (pdfkit's, never given one). */
export type ParentEntry = number | null;

/** `n 0 R` for the first object numbers, made once per process (a statement has ~300 objects). */
const REFS: string[] = [];
function ref(id: number): string {
  if (id >= 4096) return `${id} 0 R`;
  let printed = REFS[id];
  if (printed === undefined) {
    printed = `${id} 0 R`;
    REFS[id] = printed;
  }
  return printed;
}

/**
 * Each item's entries: an element's `n 0 R`, or `null` for an MCID that was never given one. Joined
 * once (one flat string) instead of a rope of two pieces per MCID (issue 22 performance).
 */
function entries(items: readonly unknown[]): string {
  const out = new Array<string>(items.length);
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as ParentEntry | undefined;
    out[i] = typeof item === 'number' ? ref(item) : 'null';
  }
  return `[${out.join(' ')}]`;
}

/** What pdfkit's PDFTree.toString prints for a number tree whose items hold elements' object numbers. */
export function printParentTree(tree: NumberTree): string {
  const keys = Object.keys(tree._items).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  const out = ['<<'];
  if (tree.limits && keys.length > 1) {
    out.push(`  /Limits [${Number.parseInt(keys[0] ?? '', 10)} ${Number.parseInt(keys.at(-1) ?? '', 10)}]`);
  }
  out.push('  /Nums [');
  for (const key of keys) out.push(`    ${Number.parseInt(key, 10)} ${entries(tree._items[key] ?? [])}`);
  out.push(']');
  out.push('>>');
  return out.join('\n');
}

/** Makes pdfkit print `tree` with `printParentTree` (its items must hold object numbers). */
export function printParentTreeFast(tree: NumberTree): void {
  tree.toString = () => printParentTree(tree);
}
