import { sha256 } from './sha256';

// RFC 6962 domain separation: a leaf can never be mistaken for an interior node.
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ data). */
export function merkleLeafHash(data: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, data);
}

/** RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/**
 * Merkle tree hash of `leaves` (raw leaf data, here transaction hashes), RFC 6962: an odd last
 * node is promoted to the next level unchanged. The empty tree hashes to SHA-256 of nothing.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  let level = leaves.map(merkleLeafHash);
  while (level.length > 1) level = nextLevel(level);
  return level[0];
}

/** Audit path for leaf `index`: sibling hashes from the leaf up, as RFC 6962/9162 defines it. */
export function merkleAuditPath(leaves: readonly Uint8Array[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${leaves.length}`);
  }
  const path: Buffer[] = [];
  let level = leaves.map(merkleLeafHash);
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 1 ? i - 1 : i + 1;
    // A promoted node has no sibling at this level, so the path skips it.
    if (sibling < level.length) path.push(level[sibling]);
    level = nextLevel(level);
    i = Math.floor(i / 2);
  }
  return path;
}

/**
 * Recomputes the root from a leaf, its index, the tree size and its audit path (RFC 9162 §2.1.3.2);
 * returns null when the path's length does not fit the tree.
 */
export function rootFromAuditPath(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
): Buffer | null {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return null;
  let fn = index;
  let sn = treeSize - 1;
  let r = merkleLeafHash(leaf);
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      // Climb past levels where this node was promoted (a right-most node with no sibling).
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

function nextLevel(level: readonly Buffer[]): Buffer[] {
  const next: Buffer[] = [];
  for (let i = 0; i < level.length; i += 2) {
    next.push(i + 1 < level.length ? merkleNodeHash(level[i], level[i + 1]) : level[i]);
  }
  return next;
}
