import { describe, expect, it } from "vitest";
import { inclusionProof, leafHash, memoryTree, rootHash } from "@/lib/audit/log/merkle";
import { checkpointText } from "@/lib/audit/log/note";
import { checkpointRoot, verifyInclusionInBrowser } from "./inclusion";

describe("inclusion proofs checked in the browser", () => {
  it("accepts every leaf's proof that the server's merkle.ts makes, and nothing else", async () => {
    for (const n of [1, 2, 3, 7, 8, 9, 33]) {
      const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
      const tree = memoryTree(leaves);
      const root = rootHash(tree, n).toString("base64");
      for (let i = 0; i < n; i++) {
        const p = { leafIndex: i, treeSize: n, leafHash: leaves[i].toString("base64"), proof: inclusionProof(tree, i, n).map((h) => h.toString("base64")) };
        expect(await verifyInclusionInBrowser(p, root)).toBe(true);
        expect(await verifyInclusionInBrowser({ ...p, leafHash: leafHash(Buffer.from("forged")).toString("base64") }, root)).toBe(false);
        if (n > 1) expect(await verifyInclusionInBrowser({ ...p, leafIndex: (i + 1) % n }, root)).toBe(false);
      }
    }
  });

  it("reads the size and root of a checkpoint note", () => {
    const root = Buffer.alloc(32, 9);
    const note = `${checkpointText({ origin: "warden.local/audit", size: 42, root, extensions: ["time 1"] })}\n\u2014 warden.local/audit AAAA\n`;
    expect(checkpointRoot(note)).toEqual({ size: 42, root: root.toString("base64") });
    expect(checkpointRoot("garbage")).toBeNull();
  });
});
