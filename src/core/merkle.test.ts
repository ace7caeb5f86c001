import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendToFrontier,
  consistencyProof,
  EMPTY_TREE_HEAD,
  foldFrontier,
  inclusionProof,
  leafHash,
  nodeHash,
  PackedHashes,
  subtreeHead,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

// The Certificate Transparency reference vectors (RFC 6962 test data used by every CT implementation):
// the leaves, the tree head for each size 1..8, and some proofs.
const CT_DATA = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_LEAVES = CT_DATA.map((d) => leafHash(d));
const root = (n: number) => unhex(CT_ROOTS[n - 1]!);

/** The RFC's recursive definition, word for word: the reference the fast versions are checked against. */
function referenceHead(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceHead(leaves.slice(0, k)), referenceHead(leaves.slice(k)));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`entry ${i}`));

describe('RFC 6962 Merkle tree', () => {
  it('hashes leaves with 0x00 and nodes with 0x01', () => {
    expect(hex(leafHash(new Uint8Array()))).toBe(CT_ROOTS[0]);
    const l = leafHash('l');
    const r = leafHash('r');
    expect(hex(nodeHash(l, r))).toBe(
      createHash('sha256')
        .update(Buffer.concat([Buffer.of(1), l, r]))
        .digest('hex'),
    );
  });

  it('gives the reference tree heads for sizes 0..8', () => {
    expect(hex(treeHead([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(EMPTY_TREE_HEAD)).toBe(hex(treeHead([])));
    for (let n = 1; n <= 8; n += 1) expect(hex(treeHead(CT_LEAVES.slice(0, n)))).toBe(CT_ROOTS[n - 1]);
  });

  it('gives the reference inclusion proofs', () => {
    expect(inclusionProof(CT_LEAVES, 0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    const proof5 = [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ];
    expect(inclusionProof(CT_LEAVES, 5, 8).map(hex)).toEqual(proof5);
    expect(verifyInclusion(CT_LEAVES[5]!, 5, 8, proof5.map(unhex), root(8))).toBe(true);
  });

  it('gives the reference consistency proofs', () => {
    const cases: [number, number, string[]][] = [
      [
        2,
        8,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        6,
        8,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
      [
        2,
        5,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        ],
      ],
    ];
    for (const [m, n, proof] of cases) {
      expect(consistencyProof(CT_LEAVES, m, n).map(hex)).toEqual(proof);
      expect(verifyConsistency(m, n, root(m), root(n), proof.map(unhex))).toBe(true);
    }
  });

  it('handles the degenerate consistency cases', () => {
    expect(verifyConsistency(4, 4, root(4), root(4), [])).toBe(true);
    expect(verifyConsistency(4, 4, root(4), root(5), [])).toBe(false);
    expect(verifyConsistency(0, 8, EMPTY_TREE_HEAD, root(8), [])).toBe(true);
    expect(verifyConsistency(6, 8, root(6), root(8), [])).toBe(false);
    expect(verifyConsistency(8, 6, root(8), root(6), consistencyProof(CT_LEAVES, 6, 8))).toBe(false);
    expect(() => consistencyProof(CT_LEAVES, 5, 3)).toThrow(RangeError);
    expect(() => inclusionProof(CT_LEAVES, 8, 8)).toThrow(RangeError);
  });

  it('agrees with the recursive definition for every size up to 70', () => {
    const all = leavesOf(70);
    for (let n = 0; n <= all.length; n += 1) {
      expect(hex(treeHead(all.slice(0, n)))).toBe(hex(referenceHead(all.slice(0, n))));
    }
    expect(hex(subtreeHead(all, 5, 17))).toBe(hex(referenceHead(all.slice(5, 17))));
  });

  it('grows a frontier that always folds to the tree head', () => {
    const all = leavesOf(70);
    let frontier: Uint8Array[] = [];
    for (let n = 0; n < all.length; n += 1) {
      frontier = appendToFrontier(frontier, n, all[n]!);
      // one perfect subtree per set bit of the size
      expect(frontier).toHaveLength((n + 1).toString(2).replace(/0/g, '').length);
      expect(hex(foldFrontier(frontier))).toBe(hex(referenceHead(all.slice(0, n + 1))));
    }
  });

  it('packs hashes into one buffer and reads them back', () => {
    const packed = new PackedHashes(1);
    const all = leavesOf(40);
    for (const h of all) packed.push(h);
    expect(packed.length).toBe(40);
    expect(hex(treeHead(packed))).toBe(hex(treeHead(all)));
    expect(packed.at(40)).toBeUndefined();
  });
});

describe('RFC 6962 proofs (properties)', () => {
  const sizes = fc.integer({ min: 1, max: 200 });

  it('every inclusion proof verifies, and fails for another leaf, index or root', () => {
    fc.assert(
      fc.property(
        sizes.chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 }))),
        ([n, i]) => {
          const leaves = leavesOf(n);
          const head = treeHead(leaves);
          const proof = inclusionProof(leaves, i);
          expect(verifyInclusion(leaves[i]!, i, n, proof, head)).toBe(true);
          expect(verifyInclusion(leafHash('other'), i, n, proof, head)).toBe(false);
          if (n > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % n, n, proof, head)).toBe(false);
          expect(verifyInclusion(leaves[i]!, i, n, proof, leafHash('x'))).toBe(false);
          if (proof.length > 0) {
            expect(verifyInclusion(leaves[i]!, i, n, proof.slice(0, -1), head)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every consistency proof verifies; a changed, inserted or removed old leaf is caught', () => {
    fc.assert(
      fc.property(
        sizes.chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.nat())),
        ([n, m, pick]) => {
          const leaves = leavesOf(n);
          const oldHead = treeHead(leaves.slice(0, m));
          const proof = consistencyProof(leaves, m);
          expect(verifyConsistency(m, n, oldHead, treeHead(leaves), proof)).toBe(true);
          const at = pick % m;
          // changed leaf
          const changed = [...leaves];
          changed[at] = leafHash('tampered');
          expect(verifyConsistency(m, n, oldHead, treeHead(changed), consistencyProof(changed, m))).toBe(
            false,
          );
          // inserted leaf (everything after shifts) and removed leaf
          const inserted = [...leaves.slice(0, at), leafHash('inserted'), ...leaves.slice(at)];
          expect(
            verifyConsistency(m, n + 1, oldHead, treeHead(inserted), consistencyProof(inserted, m)),
          ).toBe(false);
          const removed = [...leaves.slice(0, at), ...leaves.slice(at + 1)];
          if (removed.length >= m) {
            expect(
              verifyConsistency(m, n - 1, oldHead, treeHead(removed), consistencyProof(removed, m)),
            ).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
