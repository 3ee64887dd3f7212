import { createHash, randomBytes } from 'node:crypto';
import { merkleAuditPath, merkleRoot, rootFromAuditPath } from './merkle';

const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

// RFC 6962 §2.1 MTH, written recursively exactly as the RFC states it.
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return h(Buffer.from([0]), leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('Merkle tree (RFC 6962)', () => {
  const leaves = Array.from({ length: 33 }, () => randomBytes(32));

  it('matches the RFC definition for every size from 0 to 33', () => {
    for (let n = 0; n <= 33; n++)
      expect(merkleRoot(leaves.slice(0, n)).toString('hex')).toBe(
        referenceRoot(leaves.slice(0, n)).toString('hex'),
      );
  });

  it('gives an audit path that leads every leaf to the root', () => {
    for (let n = 1; n <= 33; n++) {
      const tree = leaves.slice(0, n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        expect(rootFromAuditPath(tree[i], i, n, merkleAuditPath(tree, i))?.equals(root)).toBe(true);
      }
    }
  });

  it('fails for a wrong leaf, index, tree size or path', () => {
    const tree = leaves.slice(0, 7);
    const root = merkleRoot(tree);
    const path = merkleAuditPath(tree, 5);
    expect(rootFromAuditPath(tree[4], 5, 7, path)?.equals(root)).not.toBe(true);
    expect(rootFromAuditPath(tree[5], 4, 7, path)?.equals(root)).not.toBe(true);
    expect(rootFromAuditPath(tree[5], 5, 6, path)?.equals(root)).not.toBe(true);
    expect(rootFromAuditPath(tree[5], 5, 7, path.slice(1))?.equals(root)).not.toBe(true);
    expect(rootFromAuditPath(tree[5], 5, 7, [...path, randomBytes(32)])).toBeNull();
    expect(rootFromAuditPath(tree[5], 7, 7, path)).toBeNull();
    const flipped = path.map((p) => Buffer.from(p));
    flipped[1][0] ^= 1;
    expect(rootFromAuditPath(tree[5], 5, 7, flipped)?.equals(root)).toBe(false);
  });

  it('separates leaves from nodes, so a node cannot pass as a leaf', () => {
    const tree = leaves.slice(0, 4);
    const inner = h(Buffer.from([1]), h(Buffer.from([0]), tree[0]), h(Buffer.from([0]), tree[1]));
    expect(merkleRoot([inner, ...tree.slice(2)]).equals(merkleRoot(tree))).toBe(false);
  });
});
