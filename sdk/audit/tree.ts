import { EMPTY_ROOT, mergeAt, nodeHash, type Hash } from "../../lib/audit/log/merkle";

// The two ways the verifier rebuilds the Merkle tree without holding it: a stack of complete
// subtrees for a whole log read from leaf 0 (O(log n) memory, a root at any size as it passes),
// and the leaves of one range packed in a flat buffer for a bundle's range proof.

/** Leaves appended from index 0; `root()` is the RFC 6962 root of the leaves so far. */
export class IncrementalTree {
  size = 0;
  // Entry i (32 bytes at 32·i) is a complete subtree of 2^levels[i] leaves; levels strictly
  // decrease upwards, so at most 53 entries for any safe-integer size.
  private readonly stack = Buffer.alloc(64 * 32);
  private readonly levels: number[] = [];

  push(leaf: Uint8Array) {
    if (leaf.length !== 32) throw new RangeError("a leaf hash is 32 bytes");
    let top = this.levels.length;
    this.stack.set(leaf, 32 * top);
    let level = 0;
    // A carry, as in binary addition: two subtrees of the same height merge into one.
    while (top > 0 && this.levels[top - 1] === level) {
      top--;
      mergeAt(this.stack, 32 * top);
      this.levels.pop();
      level++;
    }
    this.levels.push(level);
    this.size++;
  }

  /** The root of the tree so far: the subtrees folded from the right (RFC 6962 §2.1). */
  root(): Hash {
    const n = this.levels.length;
    if (n === 0) return EMPTY_ROOT;
    const at = (i: number) => this.stack.subarray(32 * i, 32 * i + 32);
    let h: Hash = Buffer.from(at(n - 1));
    for (let i = n - 2; i >= 0; i--) h = nodeHash(at(i), h);
    return h;
  }
}

/**
 * The leaves [start, start+count) in one growing buffer (32 bytes each: a million leaves are
 * 32 MB, not a million Buffer objects), and the complete subtrees inside that range.
 */
export class RangeLeaves {
  private buf = Buffer.alloc(32 * 1024);
  count = 0;
  private levels: Buffer[] | null = null;

  constructor(readonly start: number) {}

  push(leaf: Uint8Array) {
    if ((this.count + 1) * 32 > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.count * 32);
      this.buf = bigger;
    }
    this.buf.set(leaf, this.count * 32);
    this.count++;
  }

  /** MTH of the leaves [lo, lo+n), which must lie inside the range (and be one the RFC reaches). */
  hash = (lo: number, n: number): Hash => {
    if ((n & (n - 1)) === 0 && lo % n === 0) return this.subtree(Math.log2(n), lo / n);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(this.hash(lo, k), this.hash(lo + k, n - k));
  };

  /** Level l holds the subtrees 2^l wide that fit in the range, from the first aligned one. */
  private subtree(level: number, index: number): Hash {
    if (!this.levels) this.levels = [this.buf.subarray(0, this.count * 32)];
    for (let l = this.levels.length; l <= level; l++) {
      const below = this.levels[l - 1];
      const belowFirst = Math.ceil(this.start / 2 ** (l - 1));
      const first = Math.ceil(this.start / 2 ** l);
      const last = Math.floor((this.start + this.count) / 2 ** l); // exclusive
      const row = Buffer.alloc(Math.max(0, last - first) * 32);
      for (let j = first; j < last; j++) {
        const a = (2 * j - belowFirst) * 32;
        nodeHash(below.subarray(a, a + 32), below.subarray(a + 32, a + 64)).copy(row, (j - first) * 32);
      }
      this.levels.push(row);
    }
    const at = (index - Math.ceil(this.start / 2 ** level)) * 32;
    const row = this.levels[level];
    if (at < 0 || at + 32 > row.length) throw new RangeError(`no subtree at level ${level}, index ${index} in the range`);
    return row.subarray(at, at + 32);
  }
}
