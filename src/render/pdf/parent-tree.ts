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

/** Each item's entries: an element's `n 0 R`, or `null` for an MCID that was never given one. */
function entries(items: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as ParentEntry | undefined;
    const entry = typeof item === 'number' ? `${item} 0 R` : 'null';
    out += i === 0 ? entry : ` ${entry}`;
  }
  return `[${out}]`;
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
