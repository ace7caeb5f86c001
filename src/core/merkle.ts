import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 §2.1 (the Certificate Transparency log; same as RFC 9162 §2.1):
 * leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), the tree over n leaves splits at
 * the largest power of two below n, and the empty tree's head is SHA-256 of nothing.
 *
 * Hand-written, not a dependency: npm has no maintained RFC 6962 package, the algorithms are short and
 * fully specified, and merkle.test.ts checks them against the Certificate Transparency reference
 * vectors plus property tests. Pure functions; hashes are 32-byte Uint8Arrays.
 */

export const HASH_SIZE = 32;

/** A list of leaf hashes: an array, or a packed buffer (see PackedHashes) for a million leaves. */
export interface HashList {
  readonly length: number;
  at(index: number): Uint8Array | undefined;
}

export function leafHash(data: Uint8Array | string): Uint8Array {
  return createHash('sha256').update(Uint8Array.of(0)).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
}

export const EMPTY_TREE_HEAD: Uint8Array = createHash('sha256').digest();

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over leaf hashes, iteratively by perfect subtrees (no deep recursion). */
export function subtreeHead(leaves: HashList, start: number, end: number): Uint8Array {
  if (start < 0 || end > leaves.length || start > end) {
    throw new RangeError(`no range [${start}, ${end}) in ${leaves.length} leaves`);
  }
  if (end === start) return EMPTY_TREE_HEAD;
  // The range decomposes into perfect subtrees of decreasing size (the binary digits of its length);
  // the head folds them from the right, exactly as the recursive definition does.
  const frontier: Uint8Array[] = [];
  let offset = start;
  for (let size = highestPowerOfTwoAtMost(end - start); size >= 1; size /= 2) {
    if (offset + size <= end) {
      frontier.push(perfectHead(leaves, offset, size));
      offset += size;
    }
  }
  return foldFrontier(frontier);
}

/** The tree head of all the leaves. */
export function treeHead(leaves: HashList): Uint8Array {
  return subtreeHead(leaves, 0, leaves.length);
}

function perfectHead(leaves: HashList, start: number, size: number): Uint8Array {
  const level: Uint8Array[] = [];
  for (let i = 0; i < size; i += 1) {
    level.push(leafAt(leaves, start + i));
    // Merge equal-sized neighbours as they complete: at most log2(size) hashes are held.
    for (let done = i + 1; done % 2 === 0; done /= 2) {
      const right = level.pop()!;
      const left = level.pop()!;
      level.push(nodeHash(left, right));
    }
  }
  return level[0]!;
}

function highestPowerOfTwoAtMost(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return k;
}

function leafAt(leaves: HashList, index: number): Uint8Array {
  const hash = leaves.at(index);
  if (!hash || hash.length !== HASH_SIZE) throw new TypeError(`leaf ${index} is not a 32-byte hash`);
  return hash;
}

// ---------------------------------------------------------------------------------------------------
// The right edge ("frontier"): the heads of the perfect subtrees a tree of n leaves is made of, largest
// first, one per set bit of n. Appending a leaf is a binary increment (O(1) amortised, O(log n) worst)
// and the head folds from the right, so a log never has to recompute its whole tree to grow.

/** The frontier after appending one leaf hash to a tree of `size` leaves with `frontier`. */
export function appendToFrontier(
  frontier: readonly Uint8Array[],
  size: number,
  leaf: Uint8Array,
): Uint8Array[] {
  const next = [...frontier, leaf];
  for (let n = size; n % 2 === 1; n = Math.floor(n / 2)) {
    const right = next.pop()!;
    const left = next.pop()!;
    next.push(nodeHash(left, right));
  }
  return next;
}

/** The tree head from a frontier: node(h0, node(h1, … node(h_{k-1}, h_k))). */
export function foldFrontier(frontier: readonly Uint8Array[]): Uint8Array {
  if (frontier.length === 0) return EMPTY_TREE_HEAD;
  let head = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i -= 1) head = nodeHash(frontier[i]!, head);
  return head;
}

// ---------------------------------------------------------------------------------------------------
// Inclusion proofs (RFC 6962 §2.1.1 PATH; verification as RFC 9162 §2.1.3.2).

/** The audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: HashList, index: number, size = leaves.length): Uint8Array[] {
  if (size > leaves.length || index < 0 || index >= size || !Number.isInteger(index)) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const proof: Uint8Array[] = [];
  let start = 0;
  let end = size;
  let m = index;
  // PATH(m, D[start:end]), unrolled: the sibling subtree's head is added innermost first.
  const siblings: Uint8Array[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      siblings.push(subtreeHead(leaves, start + k, end));
      end = start + k;
    } else {
      siblings.push(subtreeHead(leaves, start, start + k));
      start += k;
      m -= k;
    }
  }
  for (let i = siblings.length - 1; i >= 0; i -= 1) proof.push(siblings[i]!);
  return proof;
}

export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  if (!Number.isInteger(index) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHashes(r, root);
}

// ---------------------------------------------------------------------------------------------------
// Consistency proofs (RFC 6962 §2.1.2 PROOF/SUBPROOF; verification as RFC 9162 §2.1.4.2).

/** The proof that the tree of the first `oldSize` leaves is a prefix of the tree of `newSize`. */
export function consistencyProof(leaves: HashList, oldSize: number, newSize = leaves.length): Uint8Array[] {
  if (newSize > leaves.length || oldSize < 0 || oldSize > newSize) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize} (${leaves.length} leaves)`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const reversed: Uint8Array[] = [];
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let whole = true; // SUBPROOF's b: is the old tree this whole subtree's left part
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!whole) reversed.push(subtreeHead(leaves, start, end));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      reversed.push(subtreeHead(leaves, start + k, end));
      end = start + k;
    } else {
      reversed.push(subtreeHead(leaves, start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  return reversed.reverse();
}

export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (!Number.isInteger(oldSize) || !Number.isInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldSize === newSize) return proof.length === 0 && equalHashes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0 && equalHashes(oldRoot, EMPTY_TREE_HEAD);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHashes(fr, oldRoot) && equalHashes(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && highestPowerOfTwoAtMost(n) === n;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Many leaf hashes in one buffer (32 bytes each): a million leaves in 32 MB, not a million objects. */
export class PackedHashes implements HashList {
  #buffer: Buffer;
  #length = 0;

  constructor(capacity = 1024) {
    this.#buffer = Buffer.alloc(Math.max(1, capacity) * HASH_SIZE);
  }

  get length(): number {
    return this.#length;
  }

  push(hash: Uint8Array): void {
    if (!isHash(hash)) throw new TypeError('not a 32-byte hash');
    if ((this.#length + 1) * HASH_SIZE > this.#buffer.length) {
      const grown = Buffer.alloc(this.#buffer.length * 2);
      this.#buffer.copy(grown);
      this.#buffer = grown;
    }
    this.#buffer.set(hash, this.#length * HASH_SIZE);
    this.#length += 1;
  }

  /** Drops the hashes from `length` on (to re-walk part of a log). */
  truncate(length: number): void {
    this.#length = Math.max(0, Math.min(length, this.#length));
  }

  at(index: number): Uint8Array | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#buffer.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }
}
