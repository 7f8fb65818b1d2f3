import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { consistencyProof, EMPTY_ROOT, foldRun, inclusionProof, leafHash, leafHashHexInto, memoryTree, nodeHash, rootHash, verifyConsistency, verifyInclusion, type Hash } from "./merkle";

// RFC 6962's reference vectors (the certificate-transparency test data): eight leaves and the
// roots of every prefix.
const INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => Buffer.from(h, "hex"));
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

// The RFC's definitions written out naively, to hold the fast versions to.
const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest();
function mth(d: Hash[]): Hash {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
}
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`event ${i}`));

describe("the RFC 6962 Merkle tree", () => {
  it("matches the reference roots for every prefix of the test leaves", () => {
    const leaves = INPUTS.map(leafHash);
    const tree = memoryTree(leaves);
    ROOTS.forEach((root, i) => expect(rootHash(tree, i + 1).toString("hex")).toBe(root));
    expect(rootHash(tree, 0)).toEqual(EMPTY_ROOT);
    expect(EMPTY_ROOT.toString("hex")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("agrees with the naive definition and proves every leaf's inclusion, for every size up to 70", () => {
    for (let n = 1; n <= 70; n++) {
      const data = leavesOf(n);
      const leaves = data.map(leafHash);
      const tree = memoryTree(leaves);
      const root = rootHash(tree, n);
      expect(root).toEqual(mth(data));
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(tree, i, n);
        expect(verifyInclusion(leaves[i], i, n, proof, root)).toBe(true);
        // Any other leaf, index or root fails.
        expect(verifyInclusion(leafHash(Buffer.from("forged")), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[i], (i + 1) % n, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[i], i, n, proof, nodeHash(root, root))).toBe(false);
      }
    }
  });

  it("proves every prefix consistent with every larger tree, and refuses a rewritten history", () => {
    const data = leavesOf(45);
    const tree = memoryTree(data.map(leafHash));
    for (let n = 1; n <= 45; n++) {
      const root2 = rootHash(tree, n);
      for (let m = 1; m <= n; m++) {
        const root1 = rootHash(tree, m);
        const proof = consistencyProof(tree, m, n);
        expect(verifyConsistency(m, n, proof, root1, root2)).toBe(true);
        if (m < n) {
          // The same sizes over a history where leaf 0 was changed: the old root is not a prefix.
          const rewritten = memoryTree([leafHash(Buffer.from("changed")), ...data.slice(1, n).map(leafHash)]);
          expect(verifyConsistency(m, n, consistencyProof(rewritten, m, n), root1, rootHash(rewritten, n))).toBe(false);
          expect(verifyConsistency(m, n, [], root1, root2)).toBe(false);
        }
      }
    }
  });

  it("refuses indexes and sizes outside the tree", () => {
    const tree = memoryTree(leavesOf(4).map(leafHash));
    expect(() => inclusionProof(tree, 4, 4)).toThrow(RangeError);
    expect(() => consistencyProof(tree, 5, 4)).toThrow(RangeError);
    expect(verifyInclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(5, 4, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
  });
});

describe("the sequencer's buffer helpers", () => {
  it("leafHashHexInto writes leafHash of the hex's bytes, for any text the column may hold", () => {
    const out = Buffer.alloc(32 * 5);
    const texts = ["ab".repeat(32), "AB".repeat(32), "zz" + "ab".repeat(31), "ab".repeat(10), "ab".repeat(33)];
    texts.forEach((t, i) => leafHashHexInto(t, out, i * 32));
    texts.forEach((t, i) => expect(out.subarray(i * 32, i * 32 + 32).equals(leafHash(Buffer.from(t, "hex"))), t).toBe(true));
  });

  it("foldRun gives the root of the run's complete subtree, leaving the run as it was", () => {
    for (const width of [1, 2, 4, 256]) {
      const leaves = Array.from({ length: width }, (_, i) => leafHash(Buffer.from([i, i >> 8])));
      const run = Buffer.concat(leaves);
      const copy = Buffer.from(run);
      expect(foldRun(run).equals(rootHash(memoryTree(leaves), width)), `width ${width}`).toBe(true);
      expect(run.equals(copy)).toBe(true);
    }
  });
});
