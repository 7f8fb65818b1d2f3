import { createHash, hash } from "node:crypto";

// The Merkle tree of RFC 6962 / RFC 9162 §2.1 over the audit log: leaf and interior hashes are
// domain-separated (0x00 / 0x01 prefixes), so a leaf can never pass for a node. Pure: the hashes
// of complete subtrees come from a `Subtrees` source (memory in tests and the offline verifier,
// stored tiles on the server), so a proof costs O(log n) look-ups whatever the tree's size.

export type Hash = Buffer;

// One-shot SHA-256 over a scratch buffer holding prefix and inputs (synchronous, so one scratch per
// kind is enough), its digest read back as latin1 text, one byte per character: about three
// times as fast as a Hash object per call, and twice as fast as asking for a Buffer digest
// (Node 20 allocates those slowly). The verifier and the tile folds hash once per leaf and node.
const LEAF_IN = Buffer.alloc(33); // 0x00 || a 32-byte leaf (the audit log's leaves are chain hashes)
const NODE_IN = Buffer.alloc(65, 1); // 0x01 || left || right
const sha256 = (data: Uint8Array): Hash => Buffer.from(hash("sha256", data, "binary"), "latin1"); // "binary" is latin1

export function leafHash(data: Uint8Array): Hash {
  if (data.length !== 32) return sha256(Buffer.concat([LEAF_IN.subarray(0, 1), data]));
  LEAF_IN.set(data, 1);
  return sha256(LEAF_IN);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE_IN.subarray(0, 1), left, right]));
  NODE_IN.set(left, 1);
  NODE_IN.set(right, 33);
  return sha256(NODE_IN);
}

/**
 * nodeHash of the two hashes side by side at buf[at, at + 64), written over the left one: no
 * Buffer per node, for trees kept in one buffer (the offline verifier's).
 */
export function mergeAt(buf: Buffer, at: number): void {
  buf.copy(NODE_IN, 1, at, at + 64);
  buf.write(hash("sha256", NODE_IN, "binary"), at, "latin1");
}

/**
 * leafHash of an event's chain hash given as 64 hex digits, written into `out` at `at`: the
 * sequencer's per-event step without a Buffer per event. Text that is not 64 hex digits takes
 * leafHash's own path (the bytes Buffer.from(hex, "hex") gives), so the leaf is the same either way.
 */
export function leafHashHexInto(hex: string, out: Buffer, at: number): void {
  if (hex.length === 64 && LEAF_IN.write(hex, 1, 32, "hex") === 32) out.write(hash("sha256", LEAF_IN, "binary"), at, "latin1");
  else leafHash(Buffer.from(hex, "hex")).copy(out, at);
}

/** The root of a complete subtree whose 2^k entries lie side by side in `run`, folded in a copy. */
export function foldRun(run: Buffer): Hash {
  const buf = Buffer.from(run);
  for (let width = buf.length / 32; width > 1; width /= 2) {
    // Pair j (at 64·j) goes to 32·j: never over an entry not yet read.
    for (let j = 0; j < width / 2; j++) {
      buf.copy(NODE_IN, 1, j * 64, j * 64 + 64);
      buf.write(hash("sha256", NODE_IN, "binary"), j * 32, "latin1");
    }
  }
  return Buffer.from(buf.subarray(0, 32));
}

/** The hash of the empty tree (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Hash = createHash("sha256").digest();

/**
 * The hash of a complete subtree: the 2^level leaves starting at index * 2^level. Only ever
 * asked for subtrees that lie wholly inside the tree being hashed.
 */
export type Subtrees = (level: number, index: number) => Hash;

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPow2 = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/** MTH(D[start : start+n]): a range the RFC's recursion reaches (aligned on its left part). */
function rangeHash(tree: Subtrees, start: number, n: number): Hash {
  if (isPow2(n) && start % n === 0) return tree(Math.log2(n), start / n);
  const k = split(n);
  return nodeHash(rangeHash(tree, start, k), rangeHash(tree, start + k, n - k));
}

/** The root of the tree of the first `size` leaves. */
export function rootHash(tree: Subtrees, size: number): Hash {
  return size === 0 ? EMPTY_ROOT : rangeHash(tree, 0, size);
}

/** PATH(m, D[0:size]) of RFC 9162 §2.1.3.1: the audit path of leaf `index`, bottom up. */
export function inclusionProof(tree: Subtrees, index: number, size: number): Hash[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Hash[] = [];
  const walk = (m: number, start: number, n: number) => {
    if (n === 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, start, k);
      path.push(rangeHash(tree, start + k, n - k));
    } else {
      walk(m - k, start + k, n - k);
      path.push(rangeHash(tree, start, k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** PROOF(m, D[0:size]) of RFC 9162 §2.1.4.1: that the tree of `m` leaves is a prefix of this one. */
export function consistencyProof(tree: Subtrees, m: number, size: number): Hash[] {
  if (!(m >= 0 && m <= size)) throw new RangeError(`a tree of ${m} cannot be a prefix of one of ${size}`);
  if (m === 0 || m === size) return [];
  const proof: Hash[] = [];
  const sub = (m: number, start: number, n: number, whole: boolean) => {
    if (m === n) {
      if (!whole) proof.push(rangeHash(tree, start, n));
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, start, k, whole);
      proof.push(rangeHash(tree, start + k, n - k));
    } else {
      sub(m - k, start + k, n - k, false);
      proof.push(rangeHash(tree, start, k));
    }
  };
  sub(m, 0, size, true);
  return proof;
}

/** RFC 9162 §2.1.3.2: whether `leaf` is at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether the tree (size2, root2) extends the tree (size1, root1). */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): boolean {
  if (!(size1 >= 0 && size1 <= size2)) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0 && root1.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPow2(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(root1) && sr.equals(root2) && sn === 0;
}

/** Subtree hashes of leaves held in memory (tests, the offline verifier), memoised. */
export function memoryTree(leaves: readonly Hash[]): Subtrees {
  const levels: Hash[][] = [leaves as Hash[]];
  return (level, index) => {
    for (let l = levels.length; l <= level; l++) {
      const below = levels[l - 1];
      const row: Hash[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) row.push(nodeHash(below[i], below[i + 1]));
      levels.push(row);
    }
    const h = levels[level][index];
    if (!h) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return h;
  };
}
