import { describe, expect, it } from "vitest";
import { leafHash, memoryTree, rootHash } from "./merkle";
import { rangeProof, rootFromRange, subtreeRange } from "./range";

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe("range proofs", () => {
  it("give the root from any range's leaves, for every range of every size up to 24", () => {
    for (let size = 0; size <= 24; size++) {
      const ls = leaves(size);
      const tree = memoryTree(ls);
      const root = rootHash(tree, size);
      for (let start = 0; start <= size; start++) {
        for (let end = start; end <= size; end++) {
          const proof = rangeProof(tree, start, end, size);
          const inside = (lo: number, n: number) => {
            expect(lo >= start && lo + n <= end).toBe(true);
            return subtreeRange(tree, lo, n);
          };
          expect(rootFromRange(inside, start, end, size, proof).equals(root)).toBe(true);
        }
      }
    }
  });

  it("refuses a proof with a hash too few or too many, and a changed leaf changes the root", () => {
    const ls = leaves(13);
    const tree = memoryTree(ls);
    const proof = rangeProof(tree, 3, 9, 13);
    const inside = (lo: number, n: number) => subtreeRange(tree, lo, n);
    expect(() => rootFromRange(inside, 3, 9, 13, proof.slice(1))).toThrow(/too short/);
    expect(() => rootFromRange(inside, 3, 9, 13, [...proof, proof[0]])).toThrow(/left over/);
    const changed = [...ls];
    changed[5] = leafHash(Buffer.from("other"));
    const other = memoryTree(changed);
    expect(rootFromRange((lo, n) => subtreeRange(other, lo, n), 3, 9, 13, proof).equals(rootHash(tree, 13))).toBe(false);
  });
});
