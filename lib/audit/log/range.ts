import { EMPTY_ROOT, nodeHash, type Hash, type Subtrees } from "./merkle";

// Range proofs for the evidence bundle (docs/audit-log.md): the leaves [start, end) of a tree of
// `size` leaves plus the hashes of the RFC 6962 subtrees that lie wholly outside the range, in
// the order the RFC's recursion meets them (left to right), give the tree's root. Pure, shared by
// the server (which writes the proof from its tiles) and the offline verifier (which reads it).

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPow2 = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/** MTH of the leaves [lo, lo+n) for a range the RFC's recursion reaches. */
export function subtreeRange(tree: Subtrees, lo: number, n: number): Hash {
  if (isPow2(n) && lo % n === 0) return tree(Math.log2(n), lo / n);
  const k = split(n);
  return nodeHash(subtreeRange(tree, lo, k), subtreeRange(tree, lo + k, n - k));
}

function checkRange(start: number, end: number, size: number) {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && Number.isSafeInteger(size) && 0 <= start && start <= end && end <= size)) {
    throw new RangeError(`[${start}, ${end}) is not a range of a tree of ${size}`);
  }
}

/** The hashes outside [start, end) that, with the range's leaves, give the root of `size`. */
export function rangeProof(tree: Subtrees, start: number, end: number, size: number): Hash[] {
  checkRange(start, end, size);
  const proof: Hash[] = [];
  const walk = (lo: number, n: number) => {
    if (lo + n <= start || lo >= end) proof.push(subtreeRange(tree, lo, n));
    else if (lo >= start && lo + n <= end) return;
    else {
      const k = split(n);
      walk(lo, k);
      walk(lo + k, n - k);
    }
  };
  if (size > 0 && start < end) walk(0, size);
  else if (size > 0) proof.push(subtreeRange(tree, 0, size)); // an empty range: the root itself
  return proof;
}

/**
 * The root the range and its proof imply. `inside(lo, n)` hashes a node wholly inside the range
 * (the caller holds those leaves). Throws when the proof has too few or too many hashes.
 */
export function rootFromRange(inside: (lo: number, n: number) => Hash, start: number, end: number, size: number, proof: readonly Hash[]): Hash {
  checkRange(start, end, size);
  if (size === 0) {
    if (proof.length) throw new Error("the range proof has hashes left over");
    return EMPTY_ROOT;
  }
  let next = 0;
  const take = () => {
    if (next >= proof.length) throw new Error("the range proof is too short");
    return proof[next++];
  };
  const walk = (lo: number, n: number): Hash => {
    if (lo + n <= start || lo >= end) return take();
    if (lo >= start && lo + n <= end) return inside(lo, n);
    const k = split(n);
    return nodeHash(walk(lo, k), walk(lo + k, n - k));
  };
  const root = start < end ? walk(0, size) : take();
  if (next !== proof.length) throw new Error("the range proof has hashes left over");
  return root;
}
